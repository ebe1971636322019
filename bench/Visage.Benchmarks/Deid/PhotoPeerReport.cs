using System.Collections.Concurrent;
using System.Globalization;

namespace Visage.Benchmarks.Deid;

/// <summary>Scans each run's outputs for residue and renders the markdown tables of <c>deid-photo-peers</c>.</summary>
internal static class PhotoPeerReport
{
    public static List<string> Render(PhotoPeerInventory inventory, IReadOnlyList<PhotoPeerRun> runs, int workers)
    {
        var totalBytes = inventory.Files.Sum(f => f.Bytes);
        var searched = inventory.Files.Sum(f => f.Values.Count);
        var lines = new List<string>
        {
            "# Photo metadata de-identification: peer comparison",
            string.Empty,
            Inv($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {inventory.Files.Count} files ({totalBytes / 1e6:F2} MB; {string.Join(", ", inventory.Files.GroupBy(f => f.FileType).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} {g.Key}"))}) listed in exif/METADATA.tsv; {Environment.ProcessorCount} cores; ours and the baseline use {workers} worker(s); exiftool runs as one process over all files (its batch mode)."),
            Inv($"Value residue: of the {searched} recorded identifying values ({string.Join(", ", PhotoPeerInventory.IdentifyingFields)}; '-' and values shorter than 4 characters skipped), how many are still in the output's raw bytes. Directory residue: outputs in which MetadataExtractor 2.4.3 still finds a metadata directory with tags."),
            string.Empty,
            "| tool | mode | given | outputs | no output | elapsed | files/s | MB/s | residue (values) | outputs with value residue | outputs with metadata directories | outputs MetadataExtractor cannot read |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        var scans = new List<(PhotoPeerRun Run, IReadOnlyList<Scan> Scans)>();
        foreach (var run in runs)
        {
            if (!run.Installed)
            {
                lines.Add($"| {run.Name} | {run.Mode} | - | - | - | - | - | - | - | - | - | - |");
                continue;
            }

            Console.WriteLine($"scanning {run.Name} outputs for residue ...");
            var found = new ConcurrentBag<Scan>();
            Parallel.ForEach(run.Given, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
            {
                if (run.Outputs.TryGetValue(file.RelativePath, out var output))
                {
                    var bytes = File.ReadAllBytes(output);
                    found.Add(new Scan(PhotoPeerValueScanner.FieldsFound(bytes, file.Values), PhotoPeerDirectoryScanner.KindsFound(bytes)));
                }
            });
            var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-9);
            var givenBytes = run.Given.Sum(f => f.Bytes);
            lines.Add(Inv($"| {run.Name} | {run.Mode} | {run.Given.Count} | {run.Outputs.Count} | {run.Given.Count - run.Outputs.Count} | {run.Elapsed.TotalSeconds:F2} s | {run.Given.Count / seconds:F1} | {givenBytes / 1e6 / seconds:F3} | {found.Sum(s => s.Fields.Count)} | {found.Count(s => s.Fields.Count > 0)} | {found.Count(s => s.Kinds is { Count: > 0 })} | {found.Count(s => s.Kinds is null)} |"));
            scans.Add((run, found.ToList()));
        }

        lines.Add(string.Empty);
        lines.Add("Residue by kind (outputs in which MetadataExtractor finds the directory):");
        lines.Add(string.Empty);
        lines.Add("| tool | outputs | " + string.Join(" | ", PhotoPeerDirectoryScanner.Kinds) + " |");
        lines.Add("|---|---:|" + string.Concat(PhotoPeerDirectoryScanner.Kinds.Select(_ => "---:|")));
        foreach (var (run, found) in scans)
        {
            lines.Add(Inv($"| {run.Name} | {found.Count} | ") + string.Join(" | ", PhotoPeerDirectoryScanner.Kinds.Select(k => found.Count(s => s.Kinds?.Contains(k, StringComparer.Ordinal) == true).ToString(CultureInfo.InvariantCulture))) + " |");
        }

        lines.Add(string.Empty);
        lines.Add("Residue by field (values found in raw bytes / values recorded):");
        lines.Add(string.Empty);
        lines.Add("| tool | " + string.Join(" | ", PhotoPeerInventory.IdentifyingFields) + " |");
        lines.Add("|---|" + string.Concat(PhotoPeerInventory.IdentifyingFields.Select(_ => "---:|")));
        var recorded = PhotoPeerInventory.IdentifyingFields.ToDictionary(f => f, f => inventory.Files.Sum(x => x.Values.Count(v => v.Field == f)), StringComparer.Ordinal);
        foreach (var (run, found) in scans)
        {
            var counts = found.SelectMany(s => s.Fields).GroupBy(f => f, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            lines.Add($"| {run.Name} | " + string.Join(" | ", PhotoPeerInventory.IdentifyingFields.Select(f => Inv($"{counts.GetValueOrDefault(f)}/{recorded[f]}"))) + " |");
        }

        lines.Add(string.Empty);
        lines.Add("Elapsed is wall time of the de-identification only (staging copies and building the face engine excluded); MB/s is the input bytes given to the tool over that time. "
            + "Ours re-reads and verifies every output it writes (metadata, and in full mode faces and text), and that is in its time. Files without an output count as \"no output\", not as residue. "
            + "Values are matched as UTF-8, Latin-1 and UTF-16LE text, ignoring ASCII case; DateTimeOriginal also as its first 19 characters, XMP's ISO 8601 form, the date alone (yyyy:MM:dd, yyyy-MM-dd, yyyy.MM.dd, yyyyMMdd) and 32-bit Unix seconds; all-digit serial numbers also as 32-bit integers; GPS as decimal degrees (4 places), XMP's \"D,M.\" and \"D,M,\" and EXIF's degrees/1 rational followed by the minutes, in either byte order. "
            + "A Make found only inside a remaining Model (Canon, \"Canon EOS ...\") counts as found. EXIF IFD0/SubIFD counts only for tags other than TIFF image layout and colour, which a TIFF must keep.");
        return lines;
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Scan(IReadOnlyList<string> Fields, IReadOnlyList<string>? Kinds);
}
