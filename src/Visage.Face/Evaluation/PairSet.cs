using System.Globalization;
using System.Security.Cryptography;

namespace Visage.Face;

/// <summary>A labelled pair of images: the same person or not; <see cref="Line"/> is its line in the pair file.</summary>
public sealed record ImagePair(string PathA, string PathB, bool SamePerson, int Line = 0, string? Source = null);

/// <summary>An image a pair file names that is not there; its pair is left out of the figures.</summary>
public sealed record MissingImage(int Line, string Column, string PathAsWritten);

/// <summary>Where a pair set came from, so a report can be traced to the exact file it measured.</summary>
public sealed record PairSetProvenance(
    string Kind,
    string FileName,
    string Sha256,
    IReadOnlyList<string> Comments,
    IReadOnlyDictionary<string, int> PairsPerSource);

/// <summary>A named list of labelled pairs: one of the shared evaluation files, or a site's own in the shared form.</summary>
public sealed record PairSet(string Name, IReadOnlyList<ImagePair> Pairs)
{
    public const string DeepfaceMaster = "deepface-master";
    public const string DeepfacePivot = "deepface-pivot";
    public const string DlibJohns = "dlib-johns";

    /// <summary>The header of the shared pair form; <c>source</c> is optional.</summary>
    public const string CsvHeader = "img1,img2,same_identity,source";

    public static IReadOnlyList<string> Known => [DeepfaceMaster, DeepfacePivot, DlibJohns];

    /// <summary>Pairs left out because an image was not found.</summary>
    public IReadOnlyList<MissingImage> Missing { get; init; } = [];

    public PairSetProvenance? Provenance { get; init; }

    /// <summary>Loads one of the known sets from the shared data folder.</summary>
    public static PairSet Load(string name, string dataRoot)
    {
        var faces = Path.Combine(dataRoot, "faces");
        var deepface = Path.Combine(faces, "deepface");
        var set = name switch
        {
            // file_x,file_y,Decision (Yes/No), names relative to the deepface folder
            DeepfaceMaster => new PairSet(name, ReadCsv(Path.Combine(deepface, "master.csv"), (r, line) => new ImagePair(
                Path.Combine(deepface, r[0]), Path.Combine(deepface, r[1]), IsYes(r[2]), line, "deepface"))),

            // file_x,file_y,decision,...: paths as in the deepface repository; only the file name is kept
            DeepfacePivot => new PairSet(name, ReadCsv(Path.Combine(deepface, "face-recognition-pivot.csv"), (r, line) => new ImagePair(
                Path.Combine(deepface, Path.GetFileName(r[0])), Path.Combine(deepface, Path.GetFileName(r[1])), IsYes(r[2]), line, "deepface"))),

            // img1,img2,same_identity(1/0),source, paths relative to faces/
            DlibJohns => LoadCsv(Path.Combine(faces, "pairs.csv")) with { Name = name },

            _ => throw new ArgumentException($"Unknown pair set '{name}'; known: {string.Join(", ", Known)}.", nameof(name)),
        };
        return set.Provenance is null ? set with { Provenance = ProvenanceOf("built-in", SourcePath(name, faces), [], set.Pairs) } : set with { Provenance = set.Provenance with { Kind = "built-in" } };
    }

    /// <summary>
    /// Loads a set in the shared form (<see cref="CsvHeader"/>; paths relative to the file's folder; same_identity
    /// 1/0, yes/no or true/false; lines starting with <c>#</c> are comments kept as provenance). A malformed line
    /// throws naming the line; a pair whose image is not there is left out and listed in <see cref="Missing"/>.
    /// </summary>
    public static PairSet LoadCsv(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var comments = new List<string>();
        var pairs = new List<ImagePair>();
        var missing = new List<MissingImage>();
        var lineNumber = 0;
        foreach (var (line, fields) in CsvFields.Rows(path, IsPairHeader, CsvHeader, comments))
        {
            lineNumber = line;
            pairs.Add(ParsePair(path, folder, lineNumber, fields, missing));
        }

        var linesMissingAnImage = missing.Select(m => m.Line).ToHashSet();
        var found = pairs.Where(p => !linesMissingAnImage.Contains(p.Line)).ToList();
        if (pairs.Count == 0)
        {
            throw EvaluationSetException.AtLine(path, lineNumber, "the file has no pairs.");
        }

        return new PairSet(Path.GetFileNameWithoutExtension(path), found)
        {
            Missing = missing,
            Provenance = ProvenanceOf("file", path, comments, pairs),
        };
    }

    private static bool IsPairHeader(IReadOnlyList<string> fields) =>
        fields.Count >= 3 && fields.Take(3).SequenceEqual(["img1", "img2", "same_identity"], StringComparer.OrdinalIgnoreCase);

    private static ImagePair ParsePair(string path, string folder, int lineNumber, IReadOnlyList<string> fields, List<MissingImage> missing)
    {
        if (fields.Count is < 3 or > 4)
        {
            throw EvaluationSetException.AtLine(path, lineNumber, string.Create(CultureInfo.InvariantCulture, $"expected 3 or 4 fields ({CsvHeader}), found {fields.Count}."));
        }

        if (fields[0].Length == 0 || fields[1].Length == 0)
        {
            throw EvaluationSetException.AtLine(path, lineNumber, "img1 and img2 must both name an image.");
        }

        var same = fields[2].ToUpperInvariant() switch
        {
            "1" or "YES" or "TRUE" => true,
            "0" or "NO" or "FALSE" => false,
            _ => throw EvaluationSetException.AtLine(path, lineNumber, "same_identity must be 1/0 or yes/no."),
        };
        var a = Path.GetFullPath(Path.Combine(folder, fields[0]));
        var b = Path.GetFullPath(Path.Combine(folder, fields[1]));
        if (!File.Exists(a))
        {
            missing.Add(new MissingImage(lineNumber, "img1", fields[0]));
        }

        if (!File.Exists(b))
        {
            missing.Add(new MissingImage(lineNumber, "img2", fields[1]));
        }

        return new ImagePair(a, b, same, lineNumber, fields.Count == 4 && fields[3].Length > 0 ? fields[3] : null);
    }

    private static string SourcePath(string name, string faces) => name switch
    {
        DeepfaceMaster => Path.Combine(faces, "deepface", "master.csv"),
        DeepfacePivot => Path.Combine(faces, "deepface", "face-recognition-pivot.csv"),
        _ => Path.Combine(faces, "pairs.csv"),
    };

    private static PairSetProvenance ProvenanceOf(string kind, string path, IReadOnlyList<string> comments, IReadOnlyList<ImagePair> pairs)
    {
        using var stream = File.OpenRead(path);
        return new PairSetProvenance(
            kind,
            Path.GetFileName(path),
            Convert.ToHexStringLower(SHA256.HashData(stream)),
            comments,
            pairs.GroupBy(p => p.Source ?? "unspecified", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }

    private static bool IsYes(string value) => string.Equals(value.Trim(), "Yes", StringComparison.OrdinalIgnoreCase);

    private static List<ImagePair> ReadCsv(string path, Func<string[], int, ImagePair> map)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Pair list not found: {path}. Set VISAGE_TEST_DATA to the shared data folder.");
        }

        return File.ReadLines(path)
            .Select((line, i) => (line, number: i + 1))
            .Skip(1)
            .Where(l => !string.IsNullOrWhiteSpace(l.line))
            .Select(l =>
            {
                var fields = l.line.Split(',');
                return fields.Length >= 3
                    ? map(fields, l.number)
                    : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)} line {l.number}: expected at least 3 fields."));
            })
            .ToList();
    }
}
