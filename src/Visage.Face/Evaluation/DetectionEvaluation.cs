using System.Globalization;
using System.Xml.Linq;

namespace Visage.Face;

/// <summary>An image and its hand-drawn face boxes (dlib imglab XML).</summary>
public sealed record AnnotatedImage(string Path, IReadOnlyList<FaceBox> Boxes);

/// <summary>Recall and precision of a detector against hand-drawn boxes at an IoU threshold.</summary>
public sealed record DetectionMetrics(int Images, int Annotated, int Detected, int Matched, double Recall, double Precision, double IouThreshold)
{
    /// <summary>Reads an imglab XML file (<c>&lt;image file&gt;&lt;box top left width height/&gt;</c>); ignored boxes are skipped.</summary>
    public static IReadOnlyList<AnnotatedImage> LoadAnnotations(string xmlPath)
    {
        var root = Path.GetDirectoryName(xmlPath)!;
        var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = System.Xml.XmlReader.Create(xmlPath, settings);
        return XDocument.Load(reader).Descendants("image")
            .Select(image => new AnnotatedImage(
                Path.Combine(root, (string)image.Attribute("file")!),
                image.Elements("box")
                    .Where(b => (string?)b.Attribute("ignore") != "1")
                    .Select(b => new FaceBox(F(b, "left"), F(b, "top"), F(b, "width"), F(b, "height")))
                    .ToList()))
            .ToList();
    }

    /// <summary>Greedy one-to-one matching, best IoU first.</summary>
    public static (int Matched, int Annotated, int Detected) Match(IReadOnlyList<FaceBox> truth, IReadOnlyList<FaceBox> found, double iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(found);
        var pairs = new List<(double Iou, int T, int F)>();
        for (var t = 0; t < truth.Count; t++)
        {
            for (var f = 0; f < found.Count; f++)
            {
                var iou = truth[t].IntersectionOverUnion(found[f]);
                if (iou >= iouThreshold)
                {
                    pairs.Add((iou, t, f));
                }
            }
        }

        var usedT = new HashSet<int>();
        var usedF = new HashSet<int>();
        foreach (var (_, t, f) in pairs.OrderByDescending(p => p.Iou))
        {
            if (!usedT.Contains(t) && !usedF.Contains(f))
            {
                usedT.Add(t);
                usedF.Add(f);
            }
        }

        return (usedT.Count, truth.Count, found.Count);
    }

    public static DetectionMetrics Summarise(IEnumerable<(int Matched, int Annotated, int Detected)> perImage, double iouThreshold)
    {
        int images = 0, annotated = 0, detected = 0, matched = 0;
        foreach (var (m, a, d) in perImage)
        {
            images++;
            matched += m;
            annotated += a;
            detected += d;
        }

        return new DetectionMetrics(
            images, annotated, detected, matched,
            annotated == 0 ? 0 : (double)matched / annotated,
            detected == 0 ? 0 : (double)matched / detected,
            iouThreshold);
    }

    private static float F(XElement box, string name) => float.Parse((string)box.Attribute(name)!, CultureInfo.InvariantCulture);
}
