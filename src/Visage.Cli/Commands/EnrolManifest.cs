using System.Globalization;

namespace Visage.Cli.Commands;

/// <summary>
/// An enrolment manifest: CSV lines <c>subject,image</c> (the subject's opaque id, the image path relative to the
/// manifest's folder); a first line <c>subject,image</c>, blank lines and <c>#</c> comments are skipped. A subject may
/// have several lines: they are enrolled together. Lines that cannot be read are kept by number, never by content.
/// </summary>
internal sealed record EnrolManifest(IReadOnlyList<EnrolManifest.Entry> Subjects, IReadOnlyList<int> BadLines)
{
    public static async Task<EnrolManifest> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var folder = file.DirectoryName!;
        var lines = await File.ReadAllLinesAsync(file.FullName, cancellationToken);
        var subjects = new Dictionary<Guid, Entry>();
        var order = new List<Guid>();
        var bad = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#') || (i == 0 && string.Equals(line.Replace(" ", string.Empty, StringComparison.Ordinal), "subject,image", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !Guid.TryParse(line[..comma].Trim(), out var subject) || line[(comma + 1)..].Trim().Trim('"').Length == 0)
            {
                bad.Add(i + 1);
                continue;
            }

            if (!subjects.TryGetValue(subject, out var entry))
            {
                entry = new Entry(subject, [], []);
                subjects.Add(subject, entry);
                order.Add(subject);
            }

            entry.Lines.Add(i + 1);
            entry.Images.Add(Path.GetFullPath(line[(comma + 1)..].Trim().Trim('"'), folder));
        }

        return new EnrolManifest(order.Select(s => subjects[s]).ToList(), bad);
    }

    /// <summary>One subject's images and the manifest lines they came from (1-based).</summary>
    internal sealed record Entry(Guid Subject, List<int> Lines, List<string> Images)
    {
        public string LineList => string.Join(", ", Lines.Select(l => l.ToString(CultureInfo.InvariantCulture)));
    }
}
