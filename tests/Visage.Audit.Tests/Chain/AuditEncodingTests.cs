using System.Net;

namespace Visage.Audit.Tests;

public sealed class AuditEncodingTests
{
    private static readonly AuditRecord Sample = AuditRecord.Seal(AuditHarness.Entry(1, subject: "s"), 7, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), new byte[32]);

    [Fact]
    public void ComputeHash_FieldBoundaryMoved_DifferentHash()
    {
        var a = Sample with { Actor = "ab", ActorRole = "c" };
        var b = Sample with { Actor = "a", ActorRole = "bc" };

        Assert.NotEqual(AuditEncoding.ComputeHash(a, 7), AuditEncoding.ComputeHash(b, 7));
    }

    [Fact]
    public void ComputeHash_NullAndEmpty_DifferentHash()
    {
        Assert.NotEqual(AuditEncoding.ComputeHash(Sample with { Reason = null }, 7), AuditEncoding.ComputeHash(Sample with { Reason = "" }, 7));
    }

    [Fact]
    public void ComputeHash_EveryFieldCounts()
    {
        var variants = new[]
        {
            Sample with { TimeUtc = Sample.TimeUtc.AddMilliseconds(1) }, Sample with { Action = "x" }, Sample with { Purpose = "x" },
            Sample with { Subject = "x" }, Sample with { Outcome = "x" }, Sample with { ModelVersion = "x" }, Sample with { CorrelationId = "x" },
            Sample with { ClientAddressHash = null }, Sample with { PreviousHash = Enumerable.Repeat((byte)1, 32).ToArray() },
        };

        Assert.Equal(variants.Length + 2, variants.Select(v => Convert.ToHexString(AuditEncoding.ComputeHash(v, 7)))
            .Append(Convert.ToHexString(Sample.Hash)).Append(Convert.ToHexString(AuditEncoding.ComputeHash(Sample, 8))).Distinct().Count());
    }

    [Fact]
    public void ComputeHash_KnownAnswer_StableAcrossBuilds()
    {
        // Pins format 1 (the value was checked with an independent Python implementation of the documented layout): a change here breaks every stored chain and needs a new format version instead.
        var record = new AuditRecord(1, DateTimeOffset.FromUnixTimeMilliseconds(0), "a", "r", "act", "p", null, "ok", null, null, "c", null, new byte[32], []);

        Assert.Equal("306AA715887A1D15C60E83F31F79C76F08CE96714458F6847B2A99C9A6088FF2", Convert.ToHexString(AuditEncoding.ComputeHash(record, 1)));
    }

    [Fact]
    public void Validate_LoneSurrogateOrNul_Refused()
    {
        Assert.Throws<ArgumentException>(() => AuditEncoding.Validate("a\uD800", "x"));
        Assert.Throws<ArgumentException>(() => AuditEncoding.Validate("a\0b", "x"));
    }

    [Fact]
    public void ClientAddressHasher_SameAddressSameSecret_SameHash_MappedIpv4Normalised()
    {
        var secret = new byte[32];
        var hasher = new ClientAddressHasher(secret);

        var v4 = hasher.Hash(IPAddress.Parse("10.1.2.3"));

        Assert.Equal(32, v4.Length);
        Assert.Equal(v4, hasher.Hash(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.NotEqual(v4, hasher.Hash(IPAddress.Parse("10.1.2.4")));
        Assert.NotEqual(v4, new ClientAddressHasher(Enumerable.Repeat((byte)1, 32).ToArray()).Hash(IPAddress.Parse("10.1.2.3")));
    }
}
