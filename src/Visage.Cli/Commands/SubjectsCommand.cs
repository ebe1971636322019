using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.People;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage subjects add|show|find|delete|certificates</c>: register a patient or staff member under an opaque id, show
/// their record details on request (audited), find them by MRN, crypto-shred a subject and show the proof.
/// </summary>
internal static class SubjectsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var reason = ReasonOption();
        var delete = new Command("delete", "Delete a subject's templates, evidence and data key, and issue a signed deletion certificate (audited with --actor).") { subject, reason };
        delete.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var record = await services.GetRequiredService<AuditedSubjects>().DeleteAsync(ActorOption.Resolve(parse), parse.GetValue(subject), parse.GetValue(reason), cancellationToken);
            if (record is null)
            {
                AnsiConsole.MarkupLine("[red]error:[/] no such subject");
                return ExitCodes.NotFound;
            }

            Console.WriteLine(record.Body);
            Console.WriteLine($"signature: {Convert.ToBase64String(record.Signature)}");
            return ExitCodes.Success;
        }));

        var listSubject = SubjectIdArgument.Create();
        var publicKey = PublicKeyFile.Option("Check signatures with this PEM public key (as visage keys export-public writes it) instead of the key provider's.");
        var certificates = new Command("certificates", "Show a subject's deletion certificates and check their signatures (exit 13 when one does not verify).") { listSubject, publicKey };
        certificates.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var pinned = await PublicKeyFile.ReadAsync(parse.GetValue(publicKey), cancellationToken);
            var records = await services.GetRequiredService<AuditedSubjects>().CertificatesAsync(ActorOption.Resolve(parse), parse.GetValue(listSubject), pinned, cancellationToken);
            if (records.Count == 0)
            {
                AnsiConsole.MarkupLine("[red]error:[/] no deletion certificate for this subject");
                return ExitCodes.NotFound;
            }

            foreach (var (record, valid) in records)
            {
                Console.WriteLine(record.Body);
                AnsiConsole.MarkupLine(valid ? "[green]signature valid[/]" : "[red]signature INVALID[/]: this certificate was altered or was not signed by this key");
            }

            return records.All(r => r.Valid) ? ExitCodes.Success : ExitCodes.CertificateInvalid;
        }));

        return new Command("subjects", "Register people and manage their data.") { Add(services), Show(services), Find(services), delete, certificates };
    }

    private static Command Add(IServiceProvider services)
    {
        var kind = CodeOption.Create<PersonKind>("--kind", "Who the person is.", ["patient", "staff"], TryParseKind, required: false, PersonKind.Patient);
        var mrn = new Option<string?>("--mrn") { Description = "The medical record number (kept encrypted; searchable only through a keyed hash)." };
        var name = new Option<string?>("--name") { Description = $"The person's name, at most {PersonRegistry.MaxNameLength} characters (kept encrypted)." };
        var birthDate = CodeOption.Date("--birth-date", "The date of birth (kept encrypted)");
        var ehr = new Option<string?>("--ehr-id") { Description = "The EHR's patient id (kept encrypted)." };
        var command = new Command("add", "Register a person; prints their new opaque id (details are sealed apart from any biometric data; audited).") { kind, mrn, name, birthDate, ehr };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var details = new PersonDetails(parse.GetValue(name), parse.GetValue(birthDate), parse.GetValue(mrn), parse.GetValue(ehr));
            var person = await services.GetRequiredService<PersonRegistry>().AddAsync(ActorOption.Resolve(parse), parse.GetValue(kind), details, cancellationToken);
            Console.WriteLine(person.Id);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var command = new Command("show", "Show a person's record details, templates and consent history (reading the details is audited).") { subject };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var id = parse.GetValue(subject);
            var people = services.GetRequiredService<PersonRegistry>();
            var details = await people.ReadDetailsAsync(ActorOption.Resolve(parse), id, cancellationToken);
            var person = await people.RequireAsync(id, cancellationToken);
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            var templates = await store.Store.GetTemplatesAsync(id, cancellationToken);

            var table = new Table().AddColumns("field", "value");
            table.AddRow("id", person.Id.ToString());
            table.AddRow("kind", person.Kind == PersonKind.Staff ? "staff" : "patient");
            table.AddRow("name", Markup.Escape(details.Name ?? "-"));
            table.AddRow("birth date", details.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-");
            table.AddRow("MRN", Markup.Escape(details.Mrn ?? "-"));
            table.AddRow("EHR id", Markup.Escape(details.EhrPatientId ?? "-"));
            table.AddRow("registered (UTC)", When(person.Created));
            table.AddRow("last seen (UTC)", person.LastSeen is { } seen ? When(seen) : "never");
            table.AddRow("templates", string.Create(CultureInfo.InvariantCulture, $"{templates.Count}{(templates.Count > 0 ? $" ({templates[0].ModelVersion})" : string.Empty)}"));
            AnsiConsole.Write(table);
            ConsentHistory.Write(await services.GetRequiredService<ConsentRegistry>().HistoryAsync(id, cancellationToken));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Find(IServiceProvider services)
    {
        var mrn = new Option<string>("--mrn") { Description = "The medical record number to look up (never echoed; the lookup is audited without it).", Required = true };
        var command = new Command("find", "Find a person's opaque id by MRN.") { mrn };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            if (await services.GetRequiredService<PersonRegistry>().FindByMrnAsync(ActorOption.Resolve(parse), parse.GetValue(mrn)!, cancellationToken) is not { } person)
            {
                AnsiConsole.MarkupLine("[red]error:[/] no person has this MRN");
                return ExitCodes.NotFound;
            }

            Console.WriteLine(person.Id);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static bool TryParseKind(string? code, out PersonKind kind)
    {
        kind = string.Equals(code, "staff", StringComparison.Ordinal) ? PersonKind.Staff : PersonKind.Patient;
        return code is "patient" or "staff";
    }

    private static string When(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Parsed straight to the code, so anything else is a parse error and the action never sees text.</summary>
    private static Option<DeletionReason> ReasonOption()
    {
        var codes = string.Join(", ", DeletionReasonCodes.All);
        return new Option<DeletionReason>("--reason")
        {
            Description = $"Why, as a code: {codes}. Free text is refused: the certificate is signed and kept for years.",
            Required = true,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 1 && DeletionReasonCodes.TryParse(result.Tokens[0].Value, out var code))
                {
                    return code;
                }

                result.AddError($"--reason must be one of {codes}; free text is refused (it could hold PHI) and is not shown.");
                return default;
            },
        };
    }
}
