using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// Decode → detect → landmarks → align → quality → embed, with optional liveness. Thread-safe: the ONNX
/// sessions are created once and shared; every call works on its own pixel buffers.
/// </summary>
public sealed class FaceEngine : IDisposable
{
    private readonly FaceEngineOptions options;
    private readonly IFaceDetector detector;
    private readonly BlazeFaceDetector? fallbackDetector;
    private readonly LandmarkLocator landmarks;
    private readonly FaceEmbedder embedder;
    private readonly FacepluginLivenessDetector liveness;

    public FaceEngine(FaceEngineOptions options, ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        this.options = options;
        Decoder = new ImageDecoder(options.MaxEncodedBytes, options.MaxPixels);
        detector = options.Detector switch
        {
            ModelIds.FacepluginDetector => new FacepluginDetector(store, options.Threads),
            ModelIds.BlazeFaceDetector => new BlazeFaceDetector(store, options.Threads),
            _ => throw new ModelIntegrityException(
                $"Unknown detector '{options.Detector}'; use '{ModelIds.FacepluginDetector}' or '{ModelIds.BlazeFaceDetector}'."),
        };
        fallbackDetector = options.SecondDetectionPass == SecondDetectionPass.BlazeFace ? new BlazeFaceDetector(store, options.Threads) : null;
        landmarks = new LandmarkLocator(store, options.Threads);
        embedder = new FaceEmbedder(store, options.Embedder, options.Threads, options.FlipAugmentation);
        liveness = new FacepluginLivenessDetector(store, options.Threads, options.Liveness.Threshold);
    }

    public ImageDecoder Decoder { get; }

    public ModelVersion DetectorModel => detector.Model;

    public ModelVersion EmbedderModel => embedder.Model;

    public IPresentationAttackDetector Liveness => liveness;

    public float MatchThreshold => options.MatchThreshold;

    /// <summary>Whether the passive presentation-attack model judges captures (Face:Liveness:Enabled).</summary>
    public bool PassiveLivenessEnabled => options.Liveness.Enabled;

    public DecodedImage Decode(byte[] data) => Decoder.Decode(data);

    /// <summary>
    /// All faces, largest first, each with five landmarks. When the detector finds none, the configured
    /// <see cref="SecondDetectionPass"/> runs; its faces record the detector that found them.
    /// </summary>
    public IReadOnlyList<DetectedFace> Detect(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var faces = Detect(detector, image.Bgr);
        if (faces.Count == 0)
        {
            faces = options.SecondDetectionPass switch
            {
                SecondDetectionPass.Padded => DetectPadded(image.Bgr),
                SecondDetectionPass.BlazeFace => Detect(fallbackDetector!, image.Bgr),
                _ => faces,
            };
        }

        return faces.OrderByDescending(f => f.Box.Area).ToList();
    }

    private List<DetectedFace> Detect(IFaceDetector with, Mat bgr)
    {
        var faces = new List<DetectedFace>();
        foreach (var candidate in with.Detect(bgr, options.DetectionThreshold))
        {
            if (Math.Min(candidate.Box.Width, candidate.Box.Height) < options.MinFaceSize)
            {
                continue;
            }

            var points = landmarks.Locate(bgr, candidate.Box);
            if (points is null)
            {
                continue;
            }

            faces.Add(new DetectedFace(candidate.Box, candidate.Score, LandmarkLocator.ToFive(points), points, with.Model, landmarks.Model));
        }

        return faces;
    }

    /// <summary>
    /// The detector again on the image with a black margin of a quarter of its longer side, widened to the 4:3 the
    /// faceplugin input is stretched to: a face that fills or overflows the frame, or one squashed by a portrait
    /// stretch, gets the context and proportions the detector was trained on. Boxes and points are mapped back.
    /// </summary>
    private List<DetectedFace> DetectPadded(Mat bgr)
    {
        var margin = Math.Max(bgr.Width, bgr.Height) / 4;
        var width = bgr.Width + (2 * margin);
        var height = bgr.Height + (2 * margin);
        if (width * 3 < height * 4)
        {
            width = (height * 4 + 2) / 3;
        }
        else
        {
            height = (width * 3 + 3) / 4;
        }

        var left = (width - bgr.Width) / 2;
        var top = (height - bgr.Height) / 2;
        using var padded = new Mat();
        Cv2.CopyMakeBorder(bgr, padded, top, height - bgr.Height - top, left, width - bgr.Width - left, BorderTypes.Constant, Scalar.All(0));
        return Detect(detector, padded).ConvertAll(f =>
        {
            var points = f.Landmarks68.Select(p => new Point2(p.X - left, p.Y - top)).ToArray();
            return f with
            {
                Box = f.Box with { X = f.Box.X - left, Y = f.Box.Y - top },
                Landmarks = LandmarkLocator.ToFive(points),
                Landmarks68 = points,
            };
        });
    }

    public static AlignedFace Align(DecodedImage image, DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(face);
        return FaceAligner.Align(image.Bgr, face.Landmarks);
    }

    public QualityReport AssessQuality(DetectedFace face, AlignedFace aligned)
    {
        ArgumentNullException.ThrowIfNull(face);
        ArgumentNullException.ThrowIfNull(aligned);
        return QualityAssessor.Assess(face, aligned, options.Quality);
    }

    public FaceEmbedding Embed(AlignedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return embedder.Embed(face);
    }

    /// <summary>Embeds several faces. The shipped model has a fixed batch of one, so faces run in parallel instead.</summary>
    public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<AlignedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var results = new FaceEmbedding[faces.Count];
        Parallel.For(0, faces.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / options.Threads) }, i => results[i] = embedder.Embed(faces[i]));
        return results;
    }

    /// <summary>Image bytes to a template for the largest face; throws <see cref="FaceNotFoundException"/> when there is none.</summary>
    public FaceTemplateResult CreateTemplate(byte[] imageData)
    {
        using var image = Decode(imageData);
        var faces = Detect(image);
        var face = faces.Count > 0 ? faces[0] : throw new FaceNotFoundException();
        using var aligned = Align(image, face);
        var quality = AssessQuality(face, aligned);
        var embedding = Embed(aligned);
        var live = options.Liveness.Enabled ? liveness.Assess(image, face) : null;
        return new FaceTemplateResult(face, quality, embedding, live);
    }

    public void Dispose()
    {
        detector.Dispose();
        fallbackDetector?.Dispose();
        landmarks.Dispose();
        embedder.Dispose();
        liveness.Dispose();
    }
}

/// <summary>Everything the engine learned about the face a template was made from.</summary>
public sealed record FaceTemplateResult(DetectedFace Face, QualityReport Quality, FaceEmbedding Embedding, LivenessResult? Liveness);
