using System.Globalization;

namespace Visage.Face;

/// <summary>A labelled pair of images: the same person or not.</summary>
public sealed record ImagePair(string PathA, string PathB, bool SamePerson);

/// <summary>A named list of labelled pairs from one of the shared evaluation files.</summary>
public sealed record PairSet(string Name, IReadOnlyList<ImagePair> Pairs)
{
    public const string DeepfaceMaster = "deepface-master";
    public const string DeepfacePivot = "deepface-pivot";
    public const string DlibJohns = "dlib-johns";

    public static IReadOnlyList<string> Known => [DeepfaceMaster, DeepfacePivot, DlibJohns];

    /// <summary>Loads one of the known sets from the shared data folder.</summary>
    public static PairSet Load(string name, string dataRoot)
    {
        var faces = Path.Combine(dataRoot, "faces");
        var deepface = Path.Combine(faces, "deepface");
        return name switch
        {
            // file_x,file_y,Decision (Yes/No), names relative to the deepface folder
            DeepfaceMaster => new(name, ReadCsv(Path.Combine(deepface, "master.csv"), r => new ImagePair(
                Path.Combine(deepface, r[0]), Path.Combine(deepface, r[1]), IsYes(r[2])))),

            // file_x,file_y,decision,...: paths as in the deepface repository; only the file name is kept
            DeepfacePivot => new(name, ReadCsv(Path.Combine(deepface, "face-recognition-pivot.csv"), r => new ImagePair(
                Path.Combine(deepface, Path.GetFileName(r[0])), Path.Combine(deepface, Path.GetFileName(r[1])), IsYes(r[2])))),

            // img1,img2,same_identity(1/0),source, paths relative to faces/
            DlibJohns => new(name, ReadCsv(Path.Combine(faces, "pairs.csv"), r => new ImagePair(
                Path.Combine(faces, r[0]), Path.Combine(faces, r[1]), r[2].Trim() == "1"))),

            _ => throw new ArgumentException($"Unknown pair set '{name}'; known: {string.Join(", ", Known)}.", nameof(name)),
        };
    }

    private static bool IsYes(string value) => string.Equals(value.Trim(), "Yes", StringComparison.OrdinalIgnoreCase);

    private static List<ImagePair> ReadCsv(string path, Func<string[], ImagePair> map)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Pair list not found: {path}. Set VISAGE_TEST_DATA to the shared data folder.");
        }

        return File.ReadLines(path)
            .Skip(1)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select((line, i) =>
            {
                var fields = line.Split(',');
                return fields.Length >= 3
                    ? map(fields)
                    : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)} line {i + 2}: expected at least 3 fields."));
            })
            .ToList();
    }
}
