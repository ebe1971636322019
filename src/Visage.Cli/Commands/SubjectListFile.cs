using System.Globalization;

namespace Visage.Cli.Commands;

/// <summary>A file of opaque subject ids, one per line (blank lines and # comments skipped); a bad line is named by number only.</summary>
internal static class SubjectListFile
{
    public static async Task<IReadOnlyCollection<Guid>> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        var lines = await File.ReadAllLinesAsync(file.FullName, cancellationToken);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!Guid.TryParse(line, out var id))
            {
                throw new SubjectListException(string.Create(CultureInfo.InvariantCulture, $"Line {i + 1} of the candidates file is not an opaque subject id (a GUID); what it holds is not shown."));
            }

            ids.Add(id);
        }

        return ids;
    }
}

/// <summary>A subject list file that cannot be used.</summary>
internal sealed class SubjectListException(string message) : Exception(message);
