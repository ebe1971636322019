using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Visage.Deid.Batch;
using Visage.Face;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// <c>deid-peers [--data DIR] [--workers N]</c>: de-identifies the shared DICOM files (INVENTORY.tsv) with GDCM's
/// <c>gdcmanon</c>, DCMTK's <c>dcmodify</c> and ours, each into its own temp folder, and reports throughput and the
/// recorded identifying values each leaves behind. Writes <c>artifacts/bench/deid-peers.md</c>.
/// </summary>
internal static class DeidPeerComparisonRunner
{
    // PS3.15 Table E.1-1 basic-profile attributes about the patient, the study and the people involved: emptied
    // where the profile says Z (type 2, must stay present), removed where it says X. dcmodify has no profile of its own.
    private static readonly string[] EmptiedTags =
    [
        "(0010,0010)", "(0010,0020)", "(0010,0030)", "(0010,0040)", "(0008,0050)", "(0008,0090)", "(0008,0020)",
        "(0008,0030)", "(0020,0010)", "(0008,0023)", "(0008,0033)",
    ];

    private static readonly string[] RemovedTags =
    [
        "(0008,0080)", "(0008,0081)", "(0008,0092)", "(0008,0094)", "(0008,1010)", "(0008,1030)", "(0008,103E)",
        "(0008,1040)", "(0008,1048)", "(0008,1050)", "(0008,1060)", "(0008,1070)", "(0008,0021)", "(0008,0022)",
        "(0008,0012)", "(0008,002A)", "(0010,0032)", "(0010,1000)", "(0010,1001)", "(0010,1002)", "(0010,1010)",
        "(0010,1020)", "(0010,1030)", "(0010,1040)", "(0010,1060)", "(0010,2154)", "(0010,2160)", "(0010,2180)",
        "(0010,21B0)", "(0010,21F0)", "(0010,4000)", "(0018,1000)", "(0020,4000)", "(0032,1032)", "(0038,0010)",
        "(0038,0300)", "(0040,0006)", "(0040,0244)", "(0040,0253)", "(0040,1001)", "(0040,2016)", "(0040,2017)",
    ];

    /// <param name="args">Verb arguments.</param>
    /// <param name="ours">Our configurations, each a row: its name, what it does, and how to build it for a batch key.</param>
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<(string Name, string Mode, Func<BatchKey, IFileDeidentifier> Create)> ours)
    {
        var dicomRoot = PeerInputs.DataFolder(PeerInputs.Option(args, "--data"), "dicom", "INVENTORY.tsv");
        var workers = int.Parse(PeerInputs.Option(args, "--workers") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var inventory = DicomInventory.Load(dicomRoot);
        var scratch = Directory.CreateTempSubdirectory("visage-deid-peers-");
        try
        {
            var staged = Path.Combine(scratch.FullName, "in");
            PeerInputs.Stage(dicomRoot, inventory.Files.Select(f => f.RelativePath), staged);

            var runs = new List<ToolRun>
            {
                await RunBatchAsync("baseline: unmodified copy", "no de-identification; calibrates the residue check", inventory, staged, scratch.FullName, "copy", _ => new PassThroughDeidentifier(), workers),
                RunGdcmanon(inventory, staged, scratch.FullName),
                RunDcmodify(inventory, staged, scratch.FullName),
            };
            for (var i = 0; i < ours.Count; i++)
            {
                runs.Add(await RunBatchAsync(ours[i].Name, Inv($"{ours[i].Mode}; DeidBatch, {workers} workers"), inventory, staged, scratch.FullName, Inv($"ours-{i}"), ours[i].Create, workers));
            }

            var lines = Render(inventory, runs, workers);
            Console.WriteLine();
            lines.ForEach(Console.WriteLine);
            Directory.CreateDirectory("artifacts/bench");
            await File.WriteAllLinesAsync("artifacts/bench/deid-peers.md", lines);
            return 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<ToolRun> RunBatchAsync(
        string name, string mode, DicomInventory inventory, string staged, string scratch, string folder, Func<BatchKey, IFileDeidentifier> create, int workers)
    {
        var (elapsed, outputs) = await PeerInputs.RunBatchAsync(name, staged, Path.Combine(scratch, folder), create, workers);
        return new ToolRun(name, mode, elapsed, outputs);
    }

    private static ToolRun RunGdcmanon(DicomInventory inventory, string staged, string scratch)
    {
        Console.WriteLine("gdcmanon ...");
        var output = Path.Combine(scratch, "gdcmanon");
        var pki = Directory.CreateDirectory(Path.Combine(scratch, "pki")).FullName;

        // PS3.15 E.1.1 needs a certificate to encrypt the original attributes into (0400,0500); a throwaway one.
        var (code, _, error) = ExternalTool.Run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=visage-bench"], pki);
        if (code != 0)
        {
            throw new InvalidOperationException("openssl could not make the throwaway certificate: " + error);
        }

        // gdcmanon's directory mode is its batch mode, but it stops at the first file it cannot write (even with
        // --continue). So it runs on its own copy of the input, from which finished and unwritable files are
        // deleted between runs, and is restarted on the rest; restarts are counted in its time.
        var input = Path.Combine(scratch, "gdcmanon-in");
        foreach (var file in inventory.Files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(output, file.RelativePath))!);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(input, file.RelativePath))!);
            File.Copy(Path.Combine(staged, file.RelativePath), Path.Combine(input, file.RelativePath));
        }

        var certificate = Path.Combine(pki, "cert.pem");
        var elapsed = TimeSpan.Zero;
        var runs = 0;
        var remaining = inventory.Files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        while (remaining.Count > 0)
        {
            var clock = Stopwatch.StartNew();
            var result = ExternalTool.Run("gdcmanon", ["-e", "-c", certificate, "-r", "--continue", "-i", input, "-o", output]);
            elapsed += clock.Elapsed;
            runs++;
            var messages = (result.Output + "\n" + result.Error).Replace("//", "/", StringComparison.Ordinal);
            var progressed = false;
            foreach (var relative in remaining.ToList())
            {
                if (messages.Contains("Could not Write : " + Path.Combine(output, relative), StringComparison.Ordinal))
                {
                    File.Delete(Path.Combine(output, relative));
                }

                if (messages.Contains(Path.Combine(output, relative), StringComparison.Ordinal) || File.Exists(Path.Combine(output, relative)))
                {
                    File.Delete(Path.Combine(input, relative));
                    remaining.Remove(relative);
                    progressed = true;
                }
            }

            if (!progressed || result.ExitCode == 0)
            {
                break;
            }
        }

        return new ToolRun(
            ExternalTool.Version("gdcmanon").Split('$')[0].Trim().TrimEnd(':'),
            $"PS3.15 E.1.1 basic profile (-e, throwaway self-signed certificate; originals AES-256-encrypted into (0400,0500)); directory mode, one process, restarted {runs - 1} times after files it could not write",
            elapsed,
            Existing(inventory, output));
    }

    private static ToolRun RunDcmodify(DicomInventory inventory, string staged, string scratch)
    {
        Console.WriteLine("dcmodify ...");
        var output = Path.Combine(scratch, "dcmodify");
        foreach (var file in inventory.Files)
        {
            var target = Path.Combine(output, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(staged, file.RelativePath), target);
        }

        var arguments = new List<string> { "-q", "-nb", "-imt", "-ie", "-ep", "-gst", "-gse", "-gin" };
        foreach (var tag in EmptiedTags)
        {
            arguments.AddRange(["-ma", tag + "="]);
        }

        foreach (var tag in RemovedTags)
        {
            arguments.AddRange(["-ea", tag]);
        }

        arguments.AddRange(inventory.Files.Select(f => Path.Combine(output, f.RelativePath)));
        var clock = Stopwatch.StartNew();
        ExternalTool.Run("dcmodify", arguments);
        clock.Stop();
        return new ToolRun(
            ExternalTool.Version("dcmodify").Trim('$').Trim(),
            $"in place on copies: {EmptiedTags.Length} basic-profile attributes emptied (Z), {RemovedTags.Length} removed (X), private tags erased, new study/series/instance UIDs; one process",
            clock.Elapsed,
            Existing(inventory, output));
    }

    private static Dictionary<string, string> Existing(DicomInventory inventory, string output) =>
        inventory.Files
            .Select(f => (f.RelativePath, Path: Path.Combine(output, f.RelativePath)))
            .Where(f => File.Exists(f.Path))
            .ToDictionary(f => f.RelativePath, f => f.Path, StringComparer.Ordinal);

    private static List<string> Render(DicomInventory inventory, List<ToolRun> runs, int workers)
    {
        var totalBytes = inventory.Files.Sum(f => f.Bytes);
        var searched = inventory.Files.Sum(f => f.Values.Count);
        var lines = new List<string>
        {
            "# DICOM de-identification: peer comparison",
            string.Empty,
            Inv($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {inventory.Files.Count} files ({totalBytes / 1e6:F1} MB) listed in dicom/INVENTORY.tsv; {Environment.ProcessorCount} cores; ours and the baseline use {workers} workers; the peers run as one process over all files (their batch modes)."),
            Inv($"Residue: of the {searched} recorded identifying values ({string.Join(", ", DicomInventory.IdentifyingFields)}; 4+ letters or digits, placeholders such as 'Anonymized' skipped), how many are still in the output's raw bytes (UTF-8, Latin-1) or its dcmdump text (+U8)."),
            string.Empty,
            "| tool | mode | outputs | no output | elapsed | files/s | MB/s | residue (values) | files with residue |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        };
        var byField = new List<(string Tool, Dictionary<string, int> Counts)>();
        foreach (var run in runs)
        {
            Console.WriteLine($"scanning {run.Name} outputs for residue ...");
            var found = new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            Parallel.ForEach(inventory.Files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
            {
                if (run.Outputs.TryGetValue(file.RelativePath, out var output))
                {
                    found[file.RelativePath] = ResidueScanner.FieldsFound(output, file.Values);
                }
            });
            var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-9);
            lines.Add(Inv($"| {run.Name} | {run.Mode} | {run.Outputs.Count} | {inventory.Files.Count - run.Outputs.Count} | {run.Elapsed.TotalSeconds:F2} s | {inventory.Files.Count / seconds:F1} | {totalBytes / 1e6 / seconds:F2} | {found.Values.Sum(v => v.Count)} | {found.Values.Count(v => v.Count > 0)} |"));
            byField.Add((run.Name, found.Values.SelectMany(v => v).GroupBy(f => f, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)));
        }

        lines.Add(string.Empty);
        lines.Add("Residue by field (values found / values recorded):");
        lines.Add(string.Empty);
        lines.Add("| tool | " + string.Join(" | ", DicomInventory.IdentifyingFields) + " |");
        lines.Add("|---|" + string.Concat(DicomInventory.IdentifyingFields.Select(_ => "---:|")));
        var recorded = DicomInventory.IdentifyingFields.ToDictionary(f => f, f => inventory.Files.Sum(x => x.Values.Count(v => v.Field == f)), StringComparer.Ordinal);
        foreach (var (tool, counts) in byField)
        {
            lines.Add($"| {tool} | " + string.Join(" | ", DicomInventory.IdentifyingFields.Select(f => Inv($"{counts.GetValueOrDefault(f)}/{recorded[f]}"))) + " |");
        }

        lines.Add(string.Empty);
        lines.Add("Elapsed is wall time of the de-identification only (staging copies excluded). Files without an output count as \"no output\", not as residue; a file a tool cannot parse stays unchanged in dcmodify's in-place output. A value counts when it ends where a DICOM value or component ends (so 'TOSHIBA' does not match Manufacturer 'TOSHIBA_MEC'). Neither peer touches burned-in text in pixels; values in character sets DCMTK cannot convert (ISO 2022 IR 87/149) are found only through their ASCII groups.");
        return lines;
    }



    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record ToolRun(string Name, string Mode, TimeSpan Elapsed, IReadOnlyDictionary<string, string> Outputs);
}
