using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage keys status|rotate|export-public</c>: key versions in use, re-wrapping every data key under a new version,
/// and the signing key's public half for auditors. Only <c>rotate</c> changes key material.
/// </summary>
internal static class KeysCommand
{
    public static Command Create(IServiceProvider services)
    {
        var status = new Command("status", "Show the key provider's versions and how many stored keys each wraps; changes nothing.");
        status.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            var counts = await store.Store.CountWrappedKeysByVersionAsync(cancellationToken);
            var table = new Table().AddColumns("version", "current", "keys wrapped");
            foreach (var version in store.Keys.Versions)
            {
                table.AddRow(
                    version.ToString(CultureInfo.InvariantCulture),
                    version == store.Keys.CurrentVersion ? "yes" : string.Empty,
                    counts.GetValueOrDefault(version).ToString("N0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.MarkupLineInterpolated($"key provider: [blue]{store.Keys.Name}[/], database: [blue]{store.Database.Description}[/]");
            AnsiConsole.MarkupLineInterpolated($"signing key: {(store.Keys.HasSigningKey ? $"sha256 {Fingerprint(store.Keys.ExportSigningPublicKey())}" : "none ('visage keys rotate' adds one while nothing is signed)")}");
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));

        var batchSize = BatchSizeOption.Create("Keys re-wrapped per transaction.");
        var wait = MaintenanceWaitOption.Create();
        var rotate = new Command("rotate", "Create a new key version and re-wrap every data key under it, in batches; resumes an interrupted rotation. One key maintenance per store at a time.") { batchSize, wait };
        rotate.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var size = parse.GetValue(batchSize);
            var lockWait = TimeSpan.FromSeconds(parse.GetValue(wait));
            var actor = ActorOption.Resolve(parse);
            var maintenance = services.GetRequiredService<AuditedKeyMaintenance>();
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            RotationResult? result = null;
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
            {
                var task = context.AddTask("re-wrapping data keys");
                var progress = new SynchronousProgress<RotationProgress>(p =>
                {
                    task.Description = $"re-wrapping data keys under version {p.TargetVersion}";
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                result = await maintenance.RotateAsync(actor, size, lockWait, progress, cancellationToken);
                task.Value = task.MaxValue;
            });

            AnsiConsole.MarkupLineInterpolated($"{(result!.Resumed ? "resumed an interrupted rotation: " : string.Empty)}{result.Rewrapped:N0} keys now wrapped under version {result.TargetVersion}");
            AnsiConsole.MarkupLineInterpolated($"retired versions: {(result.Retired.Count == 0 ? "none" : string.Join(", ", result.Retired))}");
            AnsiConsole.MarkupLineInterpolated($"verified: every stored key ({result.Verified:N0}) unwraps with the keys as re-read from the '{store.Keys.Name}' provider");
            return ExitCodes.Success;
        }));

        var output = new Option<FileInfo?>("--out") { Description = "Write the PEM file here instead of to standard output." };
        var exportPublic = new Command("export-public", "Write the signing key's public half (PEM SubjectPublicKeyInfo), so an auditor can check deletion certificates and audit checkpoints without any private key.") { output };
        exportPublic.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var target = parse.GetValue(output);
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            var publicKey = store.Keys.ExportSigningPublicKey();
            var pem = PemEncoding.WriteString("PUBLIC KEY", publicKey) + "\n";
            if (target is null)
            {
                await Console.Out.WriteAsync(pem.AsMemory(), cancellationToken);
                return ExitCodes.Success;
            }

            // Not secret, but a key others could replace would make forged certificates verify: 0600 like every file Visage writes.
            await using (var file = OwnerOnlyFiles.OpenForWriting(target.FullName, FileMode.Create))
            {
                await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(pem), cancellationToken);
            }

            AnsiConsole.MarkupLineInterpolated($"signing public key (sha256 {Fingerprint(publicKey)}) written to {target.FullName}");
            return ExitCodes.Success;
        }));

        return new Command("keys", "Manage key-encryption keys and the signing key.") { status, rotate, exportPublic };
    }

    /// <summary>The same fingerprint deletion certificates carry (signingKeySha256): SHA-256 of the DER public key, lower-case hex.</summary>
    private static string Fingerprint(byte[] publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey));
}
