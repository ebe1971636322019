using System.Security.Cryptography;
using Visage.Storage;

namespace Visage.Audit.Tests;

/// <summary>Verify with only the PEM public key an auditor holds: the same result as with the key provider, and a wrong key fails every signature.</summary>
public sealed class AuditPublicKeyTests : AuditContractTests
{
    [Fact]
    public async Task FromPem_TheSigningKeysPublicHalf_VerifiesAsTheKeyProviderDoes()
    {
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 5 }))
        {
            for (var i = 0; i < 12; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(i));
            }
        }

        var pem = PemEncoding.WriteString("PUBLIC KEY", Harness.PublicKey);
        var key = AuditPublicKey.FromPem(pem);
        var result = await AuditVerifier.VerifyAsync(Harness.Database, key, CheckpointAnchorFile.Read(Harness.AnchorPath));

        Assert.Equal(Harness.PublicKey, key);
        Assert.True(result.IsIntact);
        Assert.Equal((12L, 12L), (result.LastSequence, result.LastCheckpointedSequence ?? 0));
    }

    [Fact]
    public async Task FromPem_AnotherKey_BadCheckpointSignature()
    {
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 5 }))
        {
            for (var i = 0; i < 12; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(i));
            }
        }

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var result = await AuditVerifier.VerifyAsync(Harness.Database, AuditPublicKey.FromPem(other.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal((AuditBreak.BadCheckpointSignature, 5L), (result.Break, result.FirstBrokenSequence));
    }

    [Fact]
    public void FromPem_NotAnEcPublicKey_FormatException()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Contains("not an elliptic-curve", Assert.Throws<FormatException>(() => AuditPublicKey.FromPem(rsa.ExportSubjectPublicKeyInfoPem())).Message, StringComparison.Ordinal);
        Assert.Contains("BEGIN PUBLIC KEY", Assert.Throws<FormatException>(() => AuditPublicKey.FromPem(ec.ExportPkcs8PrivateKeyPem())).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => AuditPublicKey.FromPem(Convert.ToBase64String(RandomNumberGenerator.GetBytes(200))));
        Assert.Throws<FormatException>(() => AuditPublicKey.FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
    }

    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}
