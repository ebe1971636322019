using System.Text;

namespace Visage.Face;

/// <summary>Splits one CSV line into fields; a field in double quotes may hold commas and doubled quotes.</summary>
internal static class CsvFields
{
    /// <summary>
    /// The data rows of a CSV file that starts with a header, each with its line number: lines starting with <c>#</c> go
    /// to <paramref name="comments"/> (provenance), blank lines are skipped, and a missing or wrong header, like an open
    /// quote, is an error naming the line.
    /// </summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Rows(string path, Func<IReadOnlyList<string>, bool> isHeader, string header, List<string> comments)
    {
        var sawHeader = false;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith('#'))
            {
                comments.Add(line.TrimStart('#').Trim());
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = Split(line) ?? throw EvaluationSetException.AtLine(path, lineNumber, "a quoted field is not closed.");
            if (!sawHeader)
            {
                sawHeader = isHeader(fields) ? true : throw EvaluationSetException.AtLine(path, lineNumber, $"expected the header {header}.");
                continue;
            }

            yield return (lineNumber, fields);
        }

        if (!sawHeader)
        {
            throw EvaluationSetException.AtLine(path, lineNumber, $"expected the header {header}.");
        }
    }

    /// <summary>The fields, or null when a quote is left open (the caller names the line).</summary>
    public static IReadOnlyList<string>? Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString().Trim());
        return fields;
    }
}
