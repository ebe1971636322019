using System.ComponentModel.DataAnnotations;

namespace Visage.Workflows.ActiveLiveness;

/// <summary>How an active liveness challenge is issued and judged.</summary>
public sealed class ActiveLivenessOptions
{
    /// <summary>How long an issued nonce may be answered.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromSeconds(30);

    [Range(3, 30)]
    public int MinFrames { get; set; } = 3;

    [Range(3, 30)]
    public int MaxFrames { get; set; } = 12;

    /// <summary>The head must turn at least this far, first frame to last, in the asked direction.</summary>
    [Range(5.0, 60.0)]
    public float MinYawChangeDegrees { get; set; } = 15f;

    /// <summary>
    /// At least one frame must lie this far inside the turn (from both ends): a photograph and its mirror image give a
    /// yaw "change" with nothing in between, a head turning does not.
    /// </summary>
    [Range(1.0, 20.0)]
    public float MinIntermediateDegrees { get; set; } = 3f;

    /// <summary>A step back against the asked direction larger than this (jitter allowance) fails the response.</summary>
    [Range(0.0, 10.0)]
    public float MaxBackstepDegrees { get; set; } = 2f;

    /// <summary>Every frame must be this similar to the first (one and the same face throughout); null: the engine's match threshold.</summary>
    public float? SameFaceThreshold { get; set; }
}
