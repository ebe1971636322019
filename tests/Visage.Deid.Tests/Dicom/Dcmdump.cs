using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Visage.Deid.Tests.Dicom;

/// <summary>One element as DCMTK's dcmdump prints it: nesting depth, tag, VR and the value text (converted to UTF-8).</summary>
internal sealed record DumpedElement(int Depth, ushort Group, ushort Element, string Vr, string Value);

/// <summary>An independent reader for the tests: DCMTK's dcmdump, run as a process (not GDCM, which the code under test uses).</summary>
internal static partial class Dcmdump
{
    public static IReadOnlyDictionary<string, IReadOnlyList<DumpedElement>> Read(IReadOnlyList<string> paths)
    {
        var result = new Dictionary<string, IReadOnlyList<DumpedElement>>(StringComparer.Ordinal);
        Read(paths, convertToUtf8: true, result);

        // DCMTK cannot convert some ISO 2022 character sets to UTF-8; those files are dumped as they are.
        Read([.. paths.Where(p => !result.ContainsKey(p))], convertToUtf8: false, result);
        return result;
    }

    private static void Read(IReadOnlyList<string> paths, bool convertToUtf8, Dictionary<string, IReadOnlyList<DumpedElement>> result)
    {
        foreach (var batch in paths.Chunk(64))
        {
            var start = new ProcessStartInfo("dcmdump")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                UseShellExecute = false,
            };
            foreach (var argument in (convertToUtf8 ? new[] { "+U8", "+L", "-q", "+F" } : ["+L", "-q", "+F"]).Concat(batch))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("dcmdump did not start");
            var stderr = process.StandardError.ReadToEndAsync();
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;

            // "# dcmdump (i/n): path" starts each file's section; a file DCMTK could not read has no elements.
            List<DumpedElement>? current = null;
            string? currentPath = null;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("# dcmdump (", StringComparison.Ordinal))
                {
                    Keep(currentPath, current, result);
                    current = [];
                    currentPath = line[(line.IndexOf("): ", StringComparison.Ordinal) + 3)..];
                    continue;
                }

                var match = ElementLine().Match(line);
                if (current is null || !match.Success)
                {
                    continue;
                }

                var value = match.Groups["value"].Value;
                if (value.StartsWith('['))
                {
                    value = value[1..value.LastIndexOf(']')];
                }
                else if (value.StartsWith("(no value", StringComparison.Ordinal))
                {
                    value = "";
                }

                if (Regex.IsMatch(value, "^[0-9a-f]{2}(\\\\[0-9a-f]{2})*$", RegexOptions.CultureInvariant) && match.Groups["vr"].Value is "UN" or "??")
                {
                    // An unknown-VR value printed as hex bytes: show it as text.
                    value = Encoding.Latin1.GetString(value.Split('\\').Select(h => Convert.ToByte(h, 16)).ToArray()).Trim(' ', '\0');
                }

                current.Add(new DumpedElement(
                    match.Groups["indent"].Value.Length / 2,
                    Convert.ToUInt16(match.Groups["group"].Value, 16),
                    Convert.ToUInt16(match.Groups["element"].Value, 16),
                    match.Groups["vr"].Value,
                    value));
            }

            Keep(currentPath, current, result);
        }
    }

    private static void Keep(string? path, List<DumpedElement>? elements, Dictionary<string, IReadOnlyList<DumpedElement>> result)
    {
        if (path is not null && elements is { Count: > 0 })
        {
            result[path] = elements;
        }
    }

    [GeneratedRegex(@"^(?<indent>\s*)\((?<group>[0-9a-f]{4}),(?<element>[0-9a-f]{4})\) (?<vr>\S\S) (?<value>\[.*\]|.*?)\s+#", RegexOptions.CultureInvariant)]
    private static partial Regex ElementLine();
}
