using System.Security.Cryptography;

namespace Visage.Face;

/// <summary>
/// What an annotator recorded about one image. Any field may be unknown (null). <see cref="Basis"/> says how the label was
/// made (for example <c>perceived-by-annotator</c>, <c>self-reported</c>); subgroup figures are only as good as it.
/// </summary>
public sealed record ImageLabels(
    string Image,
    string? Identity,
    string? AgeBand,
    string? Sex,
    string? SkinToneBand,
    string? Capture,
    string? Eyewear,
    string? Basis)
{
    /// <summary>The attributes subgroups are formed on, in report order.</summary>
    public static IReadOnlyList<string> Attributes => ["age_band", "sex", "skin_tone_band", "capture", "eyewear"];

    public string? Attribute(string name) => name switch
    {
        "age_band" => AgeBand,
        "sex" => Sex,
        "skin_tone_band" => SkinToneBand,
        "capture" => Capture,
        "eyewear" => Eyewear,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a subgroup attribute"),
    };
}

/// <summary>Where a labels file came from: its name, hash, comment header and how its labels were made.</summary>
public sealed record LabelsProvenance(string FileName, string Sha256, IReadOnlyList<string> Comments, IReadOnlyDictionary<string, int> ImagesPerBasis);

/// <summary>Labels by full image path, read from one or more labels files.</summary>
public sealed class LabelSet
{
    /// <summary>The header of a labels file.</summary>
    public const string CsvHeader = "image,identity,age_band,sex,skin_tone_band,capture,eyewear,basis";

    private static readonly string[] Columns = CsvHeader.Split(',');
    private readonly Dictionary<string, ImageLabels> byImage;

    private LabelSet(Dictionary<string, ImageLabels> byImage, IReadOnlyList<LabelsProvenance> provenance)
    {
        this.byImage = byImage;
        Provenance = provenance;
    }

    public static LabelSet Empty { get; } = new(new Dictionary<string, ImageLabels>(StringComparer.Ordinal), []);

    public IReadOnlyList<LabelsProvenance> Provenance { get; }

    public int Count => byImage.Count;

    public ImageLabels? For(string fullPath) => byImage.GetValueOrDefault(fullPath);

    /// <summary>
    /// Reads labels files (<see cref="CsvHeader"/>; lines starting with <c>#</c> are the provenance header). Image paths
    /// are relative to <paramref name="imageBase"/> when given, else to each labels file's folder. An image labelled twice
    /// is an error naming the second line: two annotations of one image cannot both be used.
    /// </summary>
    public static LabelSet Load(IEnumerable<string> paths, string? imageBase = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var byImage = new Dictionary<string, ImageLabels>(StringComparer.Ordinal);
        var provenance = new List<LabelsProvenance>();
        foreach (var path in paths)
        {
            provenance.Add(Read(path, imageBase ?? Path.GetDirectoryName(Path.GetFullPath(path))!, byImage));
        }

        return new LabelSet(byImage, provenance);
    }

    private static LabelsProvenance Read(string path, string imageBase, Dictionary<string, ImageLabels> byImage)
    {
        var comments = new List<string>();
        var perBasis = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (lineNumber, fields) in CsvFields.Rows(path, f => f.SequenceEqual(Columns, StringComparer.OrdinalIgnoreCase), CsvHeader, comments))
        {
            if (fields.Count != Columns.Length)
            {
                throw EvaluationSetException.AtLine(path, lineNumber, FormattableString.Invariant($"expected {Columns.Length} fields ({CsvHeader}), found {fields.Count}."));
            }

            if (fields[0].Length == 0)
            {
                throw EvaluationSetException.AtLine(path, lineNumber, "image is empty.");
            }

            var image = Path.GetFullPath(Path.Combine(imageBase, fields[0]));
            var labels = new ImageLabels(image, Known(fields[1]), Known(fields[2]), Known(fields[3]), Known(fields[4]), Known(fields[5]), Known(fields[6]), Known(fields[7]));
            if (!byImage.TryAdd(image, labels))
            {
                throw EvaluationSetException.AtLine(path, lineNumber, "this image is already labelled (in this or an earlier labels file).");
            }

            var basis = labels.Basis ?? "unspecified";
            perBasis[basis] = perBasis.GetValueOrDefault(basis) + 1;
        }


        using var stream = File.OpenRead(path);
        return new LabelsProvenance(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(stream)), comments, perBasis);
    }

    /// <summary>An empty field means unknown.</summary>
    private static string? Known(string field) => field.Length == 0 ? null : field;
}
