using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Gallery;
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
            var actor = ActorOption.Resolve(parse);
            var id = parse.GetValue(subject);
            var why = parse.GetValue(reason);
            var stores = services.GetRequiredService<ProtectedStoreLifetime>();
            var store = await stores.OpenAsync(cancellationToken);
            await using var operation = await AuditedOperation.BeginAsync(
                services.GetRequiredService<AuditLog>(), actor, "subject.delete", Purposes.Operations, id.ToString(), KeyVersion(store), why.ToCode(), cancellationToken);
            var record = await stores.DeleteSubjectAsync(id, actor.Id, why, cancellationToken);
            if (record is null)
            {
                await operation.FailedAsync("no such subject", cancellationToken);
                AnsiConsole.MarkupLine("[red]error:[/] no such subject");
                return ExitCodes.NotFound;
            }

            await operation.SucceededAsync($"{why.ToCode()}; certificate {record.Id:N}", cancellationToken: cancellationToken);
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
            var actor = ActorOption.Resolve(parse);
            var id = parse.GetValue(listSubject);
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            await using var operation = await AuditedOperation.BeginAsync(
                services.GetRequiredService<AuditLog>(), actor, "subject.certificates.read", Purposes.SecurityReview, id.ToString(), KeyVersion(store), cancellationToken: cancellationToken);
            var records = await store.Store.GetDeletionCertificatesAsync(id, cancellationToken);
            if (records.Count == 0)
            {
                await operation.FailedAsync("no deletion certificate", cancellationToken);
                AnsiConsole.MarkupLine("[red]error:[/] no deletion certificate for this subject");
                return ExitCodes.NotFound;
            }

            var key = pinned ?? store.Keys.ExportSigningPublicKey();
            var invalid = 0;
            foreach (var record in records)
            {
                Console.WriteLine(record.Body);
                var valid = DeletionCertificate.Verify(record, key);
                invalid += valid ? 0 : 1;
                AnsiConsole.MarkupLine(valid ? "[green]signature valid[/]" : "[red]signature INVALID[/]: this certificate was altered or was not signed by this key");
            }

            await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{records.Count} certificates shown, {invalid} with an invalid signature"), cancellationToken: cancellationToken);
            return invalid == 0 ? ExitCodes.Success : ExitCodes.CertificateInvalid;
        }));

        return new Command("subjects", "Manage enrolled subjects.") { delete, certificates };
    }

    /// <summary>The key-encryption key version in use, as audit records name it.</summary>
    internal static string KeyVersion(ProtectedStore store) => string.Create(CultureInfo.InvariantCulture, $"kek-v{store.Keys.CurrentVersion}");

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
