using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Deid;
using Visage.Deid.Batch;
using Visage.Deid.Text;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// <c>deid-audit</c>: what recording every file in the audit log costs a batch (input SHA-256, one audit record per
/// file before its output is released). The same batch over the DICOM inventory, without and with the journal,
/// alternated in one run, against a real audit chain on a temporary SQLite store. The pass-through de-identifier is
/// the worst case (the batch does nearly nothing else); <c>--no-pixel-clean</c> is the fastest real configuration.
/// </summary>
internal static class DeidAuditCostRunner
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string[] args, IReadOnlyList<(string Name, Func<BatchKey, IFileDeidentifier> Create)> configurations)
    {
        var dicomRoot = PeerInputs.DataFolder(PeerInputs.Option(args, "--data"), "dicom", "INVENTORY.tsv");
        var workers = Environment.ProcessorCount;
        var inventory = DicomInventory.Load(dicomRoot);
        var scratch = Directory.CreateTempSubdirectory("visage-deid-audit-");
        try
        {
            var staged = Path.Combine(scratch.FullName, "in");
            PeerInputs.Stage(dicomRoot, inventory.Files.Select(f => f.RelativePath), staged);
            var storage = new StorageOptions { DataDirectory = Path.Combine(scratch.FullName, "store") };
            await using var store = new ProtectedStoreLifetime(Options.Create(storage));
            await using var audit = new AuditLog(store, Options.Create(new AuditChainOptions()), Options.Create(storage), [new PhiAuditTextScreen()]);
            var actor = new AuditActor("bench-1", "host-operator");

            var lines = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"{inventory.Files.Count} DICOM files, {workers} workers, {Rounds} rounds each, alternated; median files/s"),
                string.Empty,
                "| de-identifier | without audit | with per-file audit | audited / unaudited |",
                "|---|---:|---:|---:|",
            };
            var run = 0;
            foreach (var (name, create) in configurations)
            {
                var plain = new List<double>();
                var audited = new List<double>();
                for (var round = 0; round < Rounds; round++)
                {
                    plain.Add(await FilesPerSecondAsync(staged, Path.Combine(scratch.FullName, $"out-{run++}"), create, workers, null));
                    await using var operation = await AuditedOperation.BeginAsync(audit, actor, "deid.dicom", Purposes.Operations);
                    audited.Add(await FilesPerSecondAsync(staged, Path.Combine(scratch.FullName, $"out-{run++}"), create, workers, new AuditedDeidJournal(operation)));
                    await operation.SucceededAsync();
                }

                var (p, a) = (Median(plain), Median(audited));
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {p:F1} | {a:F1} | {a / p:F2} |"));
                Console.WriteLine(lines[^1]);
            }

            Console.WriteLine();
            lines.ForEach(Console.WriteLine);
            Directory.CreateDirectory("artifacts/bench");
            await File.WriteAllLinesAsync("artifacts/bench/deid-audit.md", lines);
            return 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<double> FilesPerSecondAsync(string staged, string output, Func<BatchKey, IFileDeidentifier> create, int workers, IDeidJournal? journal)
    {
        using var key = BatchKey.Create();
        var deidentifier = create(key);
        var clock = Stopwatch.StartNew();
        var report = await new DeidBatch(DeidFolders.Resolve(staged, output), deidentifier, key, workers, journal: journal).RunAsync(null, CancellationToken.None);
        clock.Stop();
        (deidentifier as IDisposable)?.Dispose();
        return report.Files.Count / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
