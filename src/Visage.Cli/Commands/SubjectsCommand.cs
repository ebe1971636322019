using System.CommandLine;
using Spectre.Console;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary><c>visage subjects delete|certificates</c>: crypto-shred a subject and show the proof.</summary>
internal static class SubjectsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var actor = OperatorIdOption.Create("--actor", "Who asks for the deletion");
        var reason = ReasonOption();
        var delete = new Command("delete", "Delete a subject's templates, evidence and data key, and issue a signed deletion certificate.") { subject, actor, reason };
        delete.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var record = await store.Vault.DeleteSubjectAsync(parse.GetValue(subject), parse.GetValue(actor)!, parse.GetValue(reason), cancellationToken);
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
        var publicKey = new Option<FileInfo?>("--public-key")
        {
            Description = "Check signatures with this PEM public key (as visage keys export-public writes it) instead of the key provider's.",
        };
        var certificates = new Command("certificates", "Show a subject's deletion certificates and check their signatures (exit 13 when one does not verify).") { listSubject, publicKey };
        certificates.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            byte[]? pinned = null;
            if (parse.GetValue(publicKey) is { } file)
            {
                try
                {
                    pinned = await PublicKeyFile.ReadAsync(file, cancellationToken);
                }
                catch (FormatException ex)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] --public-key {file.FullName}: {ex.Message}");
                    return ExitCodes.BadInput;
                }
            }

            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var records = await store.Store.GetDeletionCertificatesAsync(parse.GetValue(listSubject), cancellationToken);
            if (records.Count == 0)
            {
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

            return invalid == 0 ? ExitCodes.Success : ExitCodes.CertificateInvalid;
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
