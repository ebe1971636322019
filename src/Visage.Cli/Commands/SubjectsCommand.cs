using System.CommandLine;
using Spectre.Console;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary><c>visage subjects delete|certificates</c>: crypto-shred a subject and show the proof.</summary>
internal static class SubjectsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var subject = new Argument<Guid>("subject") { Description = "The subject's opaque id." };
        var actor = new Option<string>("--actor") { Description = "Who asks for the deletion (opaque staff id).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (e.g. consent withdrawn, retention ended).", Required = true };
        var delete = new Command("delete", "Delete a subject's templates, evidence and data key, and issue a signed deletion certificate.") { subject, actor, reason };
        delete.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var record = await store.Vault.DeleteSubjectAsync(parse.GetValue(subject), parse.GetValue(actor)!, parse.GetValue(reason)!, cancellationToken);
            if (record is null)
            {
                AnsiConsole.MarkupLine("[red]error:[/] no such subject");
                return ExitCodes.NotFound;
            }

            Console.WriteLine(record.Body);
            Console.WriteLine($"signature: {Convert.ToBase64String(record.Signature)}");
            return ExitCodes.Success;
        }));

        var listSubject = new Argument<Guid>("subject") { Description = "The subject's opaque id." };
        var certificates = new Command("certificates", "Show a subject's deletion certificates and check their signatures.") { listSubject };
        certificates.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var records = await store.Store.GetDeletionCertificatesAsync(parse.GetValue(listSubject), cancellationToken);
            if (records.Count == 0)
            {
                AnsiConsole.MarkupLine("[red]error:[/] no deletion certificate for this subject");
                return ExitCodes.NotFound;
            }

            var publicKey = store.Keys.ExportSigningPublicKey();
            foreach (var record in records)
            {
                Console.WriteLine(record.Body);
                AnsiConsole.MarkupLine(DeletionCertificate.Verify(record, publicKey) ? "[green]signature valid[/]" : "[red]signature INVALID[/]");
            }

            return ExitCodes.Success;
        }));

        return new Command("subjects", "Manage enrolled subjects.") { delete, certificates };
    }
}
