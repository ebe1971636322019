using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;

namespace Visage.Protection;

/// <summary>
/// A secret, keyed orthonormal rotation of embeddings. Rotation preserves every inner product, so matching
/// accuracy is unchanged; templates made under two keys are unrelated vectors (unlinkable); replacing the key
/// re-issues templates and makes the old ones useless. Irreversibility rests on the key alone: whoever holds
/// the key can invert the rotation, so the key lives with the key provider, never beside the templates.
/// </summary>
public sealed class CancelableTransform
{
    /// <summary>HKDF info string: versioned so that a future transform can never reuse these matrices.</summary>
    public const string DerivationInfo = "visage/cancelable-template/rotation/v1";

    private readonly float[] rows;

    public CancelableTransform(ReadOnlySpan<byte> transformKey, int dimensions)
    {
        if (transformKey.Length < 32)
        {
            throw new ArgumentException("A transform key must be at least 256 bits.", nameof(transformKey));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        Dimensions = dimensions;
        rows = RandomOrthogonal(transformKey, dimensions);
    }

    public int Dimensions { get; }

    /// <summary>y = Q·x. Unit vectors stay unit vectors.</summary>
    public float[] Apply(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a {Dimensions}-dimensional embedding, got {embedding.Length}.", nameof(embedding));
        }

        var result = new float[Dimensions];
        var matrix = rows.AsSpan();
        for (var i = 0; i < Dimensions; i++)
        {
            result[i] = TensorPrimitives.Dot(matrix.Slice(i * Dimensions, Dimensions), embedding);
        }

        return result;
    }

    /// <summary>x = Qᵀ·y: undoes <see cref="Apply"/>; used only to re-issue templates under a new key.</summary>
    public float[] Invert(ReadOnlySpan<float> template)
    {
        if (template.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a {Dimensions}-dimensional template, got {template.Length}.", nameof(template));
        }

        var result = new float[Dimensions];
        var matrix = rows.AsSpan();
        for (var i = 0; i < Dimensions; i++)
        {
            // Row i of Q scaled by y_i, summed over i, is Qᵀ·y.
            TensorPrimitives.MultiplyAdd(matrix.Slice(i * Dimensions, Dimensions), template[i], result, result);
        }

        return result;
    }

    /// <summary>
    /// Gaussian matrix from an AES-CTR keystream keyed by HKDF(transform key), orthonormalised by modified
    /// Gram–Schmidt (in double precision): a uniformly random rotation, reproducible from the key alone.
    /// </summary>
    private static float[] RandomOrthogonal(ReadOnlySpan<byte> transformKey, int n)
    {
        var streamKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, transformKey.ToArray(), 32, salt: [], info: Encoding.ASCII.GetBytes(DerivationInfo));
        var gaussian = GaussianStream(streamKey, n * n);
        var q = new double[n][];
        for (var i = 0; i < n; i++)
        {
            var v = new double[n];
            Array.Copy(gaussian, i * n, v, 0, n);
            for (var j = 0; j < i; j++)
            {
                var dot = 0.0;
                for (var k = 0; k < n; k++)
                {
                    dot += v[k] * q[j][k];
                }

                for (var k = 0; k < n; k++)
                {
                    v[k] -= dot * q[j][k];
                }
            }

            var norm = Math.Sqrt(v.Sum(x => x * x));
            for (var k = 0; k < n; k++)
            {
                v[k] /= norm;
            }

            q[i] = v;
        }

        return q.SelectMany(r => r.Select(x => (float)x)).ToArray();
    }

    /// <summary>Standard normal samples (Box–Muller) from AES-256-CTR over a zero counter start.</summary>
    private static double[] GaussianStream(byte[] key, int count)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var uniformCount = count + (count % 2);
        var blocks = ((uniformCount * 8) + 15) / 16;
        var counters = new byte[blocks * 16];
        for (var b = 0; b < blocks; b++)
        {
            BitConverter.TryWriteBytes(counters.AsSpan(b * 16, 8), (long)b);
        }

        var stream = aes.EncryptEcb(counters, PaddingMode.None);
        var result = new double[uniformCount];
        for (var i = 0; i < uniformCount; i += 2)
        {
            // 53-bit uniforms in (0, 1]; the +1 keeps the logarithm finite.
            var u1 = ((BitConverter.ToUInt64(stream, i * 8) >> 11) + 1) / 9007199254740992.0;
            var u2 = (BitConverter.ToUInt64(stream, (i + 1) * 8) >> 11) / 9007199254740992.0;
            var r = Math.Sqrt(-2 * Math.Log(u1));
            result[i] = r * Math.Cos(2 * Math.PI * u2);
            result[i + 1] = r * Math.Sin(2 * Math.PI * u2);
        }

        return result;
    }
}
