namespace Visage.Gallery.Quantization;

/// <summary>
/// A probe prepared for one search: its int8 code for the coarse scan (q̂ = b·code) and the numbers that bound
/// what that code loses, plus the float probe itself for rescoring.
/// </summary>
internal sealed class ProbeCode
{
    private ProbeCode(float[] vector, sbyte[] codes, float scale, int codeSum, float norm, float codeError)
    {
        Vector = vector;
        Codes = codes;
        Scale = scale;
        CodeSum = codeSum;
        Norm = norm;
        CodeError = codeError;
    }

    public float[] Vector { get; }

    /// <summary>In component order; the scan copies it into the order and alignment its kernel wants.</summary>
    public sbyte[] Codes { get; }

    public float Scale { get; }

    /// <summary>Σ code: removes the 7.5 offset of the template nibbles from the integer dot product.</summary>
    public int CodeSum { get; }

    /// <summary>‖q‖, rounded up.</summary>
    public float Norm { get; }

    /// <summary>‖q − q̂‖, rounded up.</summary>
    public float CodeError { get; }

    public static ProbeCode Create(ReadOnlySpan<float> probe)
    {
        float maxAbs = 0;
        foreach (var value in probe)
        {
            maxAbs = MathF.Max(maxAbs, MathF.Abs(value));
        }

        var scale = maxAbs > 0 ? maxAbs / 127f : 1f;
        var codes = new sbyte[probe.Length];
        var codeSum = 0;
        double norm = 0, codeError = 0;
        for (var d = 0; d < probe.Length; d++)
        {
            var code = Math.Clamp((int)MathF.Round(probe[d] / scale), -127, 127);
            codes[d] = (sbyte)code;
            codeSum += code;
            var error = probe[d] - ((double)scale * code);
            codeError += error * error;
            norm += (double)probe[d] * probe[d];
        }

        return new ProbeCode(probe.ToArray(), codes, scale, codeSum, ErrorBound.RoundUp(Math.Sqrt(norm)), ErrorBound.RoundUp(Math.Sqrt(codeError)));
    }
}
