namespace Visage.Gallery.Quantization;

/// <summary>Rounding rules that keep the gallery's error bounds true after float arithmetic.</summary>
internal static class ErrorBound
{
    /// <summary>
    /// Added once per bound: covers float rounding in the scale products, the bound arithmetic and the 512-term
    /// float dot product of the rescorer (all below 1e-6 for unit vectors).
    /// </summary>
    public const float Slack = 1e-5f;

    /// <summary>Narrows to float without making the value smaller.</summary>
    public static float RoundUp(double value)
    {
        var narrowed = (float)value;
        return narrowed < value ? MathF.BitIncrement(narrowed) : narrowed;
    }
}
