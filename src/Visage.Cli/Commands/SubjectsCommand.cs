using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary><c>visage subjects delete|certificates</c>: crypto-shred a subject and show the proof; both audited.</summary>
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

        return new Command("subjects", "Manage enrolled subjects.") { delete, certificates };
    }

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
