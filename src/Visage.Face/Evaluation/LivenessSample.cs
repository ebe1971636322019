using System.Globalization;

namespace Visage.Face;

/// <summary>
/// A labelled liveness capture: <see cref="File"/> as written (relative to the labels file's folder) and its ISO/IEC
/// 30107-3 species, <c>bona-fide</c> or the attack instrument (<c>print</c>, <c>screen</c>, …).
/// </summary>
public sealed record LivenessSample(string File, bool IsLive, string AttackType)
{
    /// <summary>The header of a site's labels file.</summary>
    public const string SiteHeader = "image,label";

    /// <summary>The header of the shared set's file (<c>spoof/*/labels.csv</c>).</summary>
    public const string SharedHeader = "file,label,attack_type";

    /// <summary><c>bona-fide</c>, or the attack species in lower case.</summary>
    public string Species { get; init; } = IsLive ? PresentationAttackMetrics.BonaFide : SpeciesOf(AttackType);

    /// <summary>The line in the labels file.</summary>
    public int Line { get; init; }

    /// <summary>
    /// Reads either form: the shared one (<see cref="SharedHeader"/>, label real/spoof, attack_type "print (…)" or
    /// "replay (…)"), or a site's (<see cref="SiteHeader"/>, label bona-fide or the species). Lines starting with
    /// <c>#</c> are comments; a malformed line throws naming it.
    /// </summary>
    public static IReadOnlyList<LivenessSample> Load(string labelsCsv)
    {
        var samples = new List<LivenessSample>();
        var shared = false;
        foreach (var (line, fields) in CsvFields.Rows(labelsCsv, IsHeader, $"{SiteHeader} (or {SharedHeader})", []))
        {
            samples.Add((shared ? Shared(labelsCsv, line, fields) : Site(labelsCsv, line, fields)) with { Line = line });
        }

        return samples.Count > 0 ? samples : throw EvaluationSetException.AtLine(labelsCsv, 1, "the file has no captures.");

        bool IsHeader(IReadOnlyList<string> header)
        {
            shared = header.Count >= 3 && header.Take(3).SequenceEqual(["file", "label", "attack_type"], StringComparer.OrdinalIgnoreCase);
            return shared || (header.Count == 2 && header.SequenceEqual(["image", "label"], StringComparer.OrdinalIgnoreCase));
        }
    }

    private static LivenessSample Shared(string path, int line, IReadOnlyList<string> fields) => fields[1] switch
    {
        "real" => new LivenessSample(fields[0], true, fields[2]),
        "spoof" => new LivenessSample(fields[0], false, fields[2]),
        _ => throw EvaluationSetException.AtLine(path, line, "label must be real or spoof."),
    };

    private static LivenessSample Site(string path, int line, IReadOnlyList<string> fields)
    {
        if (fields.Count != 2 || fields[0].Length == 0 || fields[1].Length == 0)
        {
            throw EvaluationSetException.AtLine(path, line, $"expected {SiteHeader} with both fields filled.");
        }

        var label = fields[1].ToLowerInvariant();
        return label is PresentationAttackMetrics.BonaFide or "bonafide" or "bona fide" or "real" or "live"
            ? new LivenessSample(fields[0], true, "none")
            : new LivenessSample(fields[0], false, label) { Species = label == "replay" ? "screen" : label };
    }

    /// <summary>The shared set's attack types: "print (large printed photo)" → print; "replay (tablet screen)" → screen.</summary>
    private static string SpeciesOf(string attackType)
    {
        var first = attackType.Split([' ', '('], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLower(CultureInfo.InvariantCulture) ?? "unknown";
        return first is "replay" or "screen" ? "screen" : first;
    }
}
