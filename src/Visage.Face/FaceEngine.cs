namespace Visage.Face;

/// <summary>
/// Decode → detect → landmarks → align → quality → embed, with optional liveness. Thread-safe: the ONNX
/// sessions are created once and shared; every call works on its own pixel buffers.
/// </summary>
public sealed class FaceEngine : IDisposable
{
    private readonly FaceEngineOptions options;
    private readonly IFaceDetector detector;
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
        landmarks = new LandmarkLocator(store, options.Threads);
        embedder = new FaceEmbedder(store, options.Threads);
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

    /// <summary>All faces, largest first, each with five landmarks.</summary>
    public IReadOnlyList<DetectedFace> Detect(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var faces = new List<DetectedFace>();
        foreach (var candidate in detector.Detect(image.Bgr, options.DetectionThreshold))
        {
            if (Math.Min(candidate.Box.Width, candidate.Box.Height) < options.MinFaceSize)
            {
                continue;
            }

            var points = landmarks.Locate(image.Bgr, candidate.Box);
            if (points is null)
            {
                continue;
            }

            faces.Add(new DetectedFace(candidate.Box, candidate.Score, LandmarkLocator.ToFive(points), points, detector.Model, landmarks.Model));
        }

        return faces.OrderByDescending(f => f.Box.Area).ToList();
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
        landmarks.Dispose();
        embedder.Dispose();
        liveness.Dispose();
    }
}

/// <summary>Everything the engine learned about the face a template was made from.</summary>
public sealed record FaceTemplateResult(DetectedFace Face, QualityReport Quality, FaceEmbedding Embedding, LivenessResult? Liveness);
