using System.Numerics.Tensors;
using System.Security.Cryptography;

namespace Visage.Protection.Tests.Templates;

public sealed class CancelableTransformTests
{
    private const int Dimensions = 512;
    private static readonly Lazy<CancelableTransform> KeyA = new(() => new CancelableTransform(RandomNumberGenerator.GetBytes(32), Dimensions));
    private static readonly Lazy<CancelableTransform> KeyB = new(() => new CancelableTransform(RandomNumberGenerator.GetBytes(32), Dimensions));

    private static float[] RandomUnitVector(Random random)
    {
        var v = Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    [Fact]
    public void Apply_AnyTwoVectors_PreservesTheirCosine()
    {
        var random = new Random(1);
        for (var i = 0; i < 50; i++)
        {
            var a = RandomUnitVector(random);
            var b = RandomUnitVector(random);

            var before = TensorPrimitives.Dot(a, b);
            var after = TensorPrimitives.Dot(KeyA.Value.Apply(a), KeyA.Value.Apply(b));

            Assert.Equal(before, after, 4);
            Assert.Equal(1f, TensorPrimitives.Norm(KeyA.Value.Apply(a)), 4);
        }
    }

    [Fact]
    public void Apply_SameVectorUnderTwoKeys_IsUnlinkable()
    {
        var random = new Random(2);
        var crossKey = Enumerable.Range(0, 300)
            .Select(_ => RandomUnitVector(random))
            .Select(v => Math.Abs(TensorPrimitives.Dot(KeyA.Value.Apply(v), KeyB.Value.Apply(v))))
            .ToList();

        Assert.True(crossKey.Average() < 0.1, $"mean |cosine| across keys {crossKey.Average():0.000}");
        Assert.True(crossKey.Max() < 0.25, $"max |cosine| across keys {crossKey.Max():0.000}");
    }

    [Fact]
    public void Constructor_SameKey_GivesTheSameTransform()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var v = RandomUnitVector(new Random(3));

        Assert.Equal(new CancelableTransform(key, 64).Apply(v.AsSpan(0, 64)), new CancelableTransform(key, 64).Apply(v.AsSpan(0, 64)));
    }

    [Fact]
    public void Apply_ChangesTheVector()
    {
        var v = RandomUnitVector(new Random(4));

        Assert.True(TensorPrimitives.Dot(v, KeyA.Value.Apply(v)) < 0.3f);
    }

    [Fact]
    public void Constructor_ShortKey_Refused()
    {
        Assert.Throws<ArgumentException>(() => new CancelableTransform(new byte[16], Dimensions));
    }

    [Fact]
    public void Apply_WrongDimension_Refused()
    {
        Assert.Throws<ArgumentException>(() => KeyA.Value.Apply(new float[128]));
    }
}
