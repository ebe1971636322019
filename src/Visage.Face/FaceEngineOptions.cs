using System.ComponentModel.DataAnnotations;

namespace Visage.Face;

/// <summary>Settings of the face engine, bound from the <c>Face</c> configuration section.</summary>
public sealed class FaceEngineOptions
{
    /// <summary>Directory holding the extracted model files; defaults to the user's cache.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Path of the committed model manifest; defaults to <c>models/manifest.json</c> beside the binaries.</summary>
    public string? ManifestPath { get; set; }

    /// <summary>Which detector to use: <c>faceplugin-detect</c> (default) or <c>blazeface-front128</c>.</summary>
    [Required]
    public string Detector { get; set; } = ModelIds.FacepluginDetector;

    /// <summary>
    /// What to try when the detector finds no face: <c>None</c>, <c>Padded</c> (the same detector on the image
    /// padded to its 4:3 input with a margin, for faces that fill or overflow the frame) or <c>BlazeFace</c>.
    /// </summary>
    public SecondDetectionPass SecondDetectionPass { get; set; } = SecondDetectionPass.None;

    /// <summary>
    /// Embedding model: the id of a manifest entry with role <c>embedder</c> (see docs/performance.md, "Adding a licensed
    /// embedding model").
    /// </summary>
    [Required]
    public string Embedder { get; set; } = ModelIds.Embedder;

    /// <summary>
    /// Also embed the horizontally mirrored aligned face and average the two unit vectors (flip test-time
    /// augmentation). It changes every embedding, so the embedder version gains <c>+flip</c>.
    /// </summary>
    public bool FlipAugmentation { get; set; }

    /// <summary>Intra-op threads per ONNX session.</summary>
    [Range(1, 64)]
    public int Threads { get; set; } = 2;

    [Range(0.05, 0.99)]
    public float DetectionThreshold { get; set; } = 0.65f;

    /// <summary>Faces smaller than this (box side, pixels) are ignored.</summary>
    [Range(8, 4096)]
    public int MinFaceSize { get; set; } = 20;

    /// <summary>Cosine similarity at or above which two faces are declared the same person.</summary>
    [Range(-1.0, 1.0)]
    public float MatchThreshold { get; set; } = 0.40f;

    [Range(1, 1024L * 1024 * 1024)]
    public long MaxEncodedBytes { get; set; } = 30L * 1024 * 1024;

    [Range(1, 1_000_000_000L)]
    public long MaxPixels { get; set; } = 50_000_000;

    public QualityThresholds Quality { get; set; } = new();

    public LivenessOptions Liveness { get; set; } = new();
}

/// <summary>Thresholds a face must meet to be used for enrolment.</summary>
public sealed class QualityThresholds
{
    [Range(0, 1000)]
    public float MinInterEyeDistance { get; set; } = 20f;

    /// <summary>Variance of the Laplacian on the aligned 112x112 grey face.</summary>
    [Range(0, 100000)]
    public float MinSharpness { get; set; } = 40f;

    [Range(0, 255)]
    public float MinMeanBrightness { get; set; } = 50f;

    [Range(0, 255)]
    public float MaxMeanBrightness { get; set; } = 210f;

    /// <summary>Fraction of aligned face pixels at 0-5 or 250-255.</summary>
    [Range(0, 1)]
    public float MaxClippedFraction { get; set; } = 0.25f;

    [Range(0, 90)]
    public float MaxYawDegrees { get; set; } = 35f;

    [Range(0, 90)]
    public float MaxPitchDegrees { get; set; } = 30f;

    [Range(0, 180)]
    public float MaxRollDegrees { get; set; } = 30f;
}

/// <summary>Passive presentation-attack detection; off until evaluated for a deployment.</summary>
public sealed class LivenessOptions
{
    public bool Enabled { get; set; }

    /// <summary>Live-class probability at or above which a capture is accepted as live.</summary>
    [Range(0.0, 1.0)]
    public float Threshold { get; set; } = 0.5f;
}

/// <summary>The detection pass run only on images where the configured detector found no usable face.</summary>
public enum SecondDetectionPass
{
    None,
    Padded,
    BlazeFace,
}
