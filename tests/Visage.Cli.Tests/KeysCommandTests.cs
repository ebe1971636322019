using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>visage keys status</c> and <c>export-public</c> read key material and never write it; a key file whose signing
/// key is gone is refused over signed data; the exported PEM is all an auditor needs to check signatures.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeysCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-keys-cli-");

    private string KeyPath => Path.Combine(directory.FullName, "visage.keys");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Status_PopulatedStore_LeavesTheKeyFileByteIdentical()
    {
        await PopulateAsync(signed: true);
        var before = await File.ReadAllBytesAsync(KeyPath);
        var modified = File.GetLastWriteTimeUtc(KeyPath);

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "status");

        Assert.True(exitCode == 0, output);
        Assert.Matches("signing key: sha256 [0-9a-f]{64}", output);
        Assert.Equal(before, await File.ReadAllBytesAsync(KeyPath));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(KeyPath));
    }

    [Fact]
    public async Task Status_SigningKeyRemovedOverSignedData_RefusedWithExit6AndFileUntouched()
    {
        await PopulateAsync(signed: true);
        var withoutSigningKey = RemoveSigningKey();

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "status");

        Assert.Equal(6, exitCode);
        Assert.Contains("holds no signing key", CliOutput.Unwrapped(output), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", output);
        Assert.Equal(withoutSigningKey, await File.ReadAllBytesAsync(KeyPath));
    }

    [Fact]
    public async Task Status_SigningKeyRemovedOverUnsignedData_ChangesNothing_RotateAddsTheSigningKey()
    {
        await PopulateAsync(signed: false);
        var withoutSigningKey = RemoveSigningKey();

        var status = await VisageProcess.RunAsync(directory.FullName, "keys", "status");
        var untouched = await File.ReadAllBytesAsync(KeyPath);
        var rotate = await VisageProcess.RunAsync(directory.FullName, "keys", "rotate");
        var after = await VisageProcess.RunAsync(directory.FullName, "keys", "status");

        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("signing key: none", CliOutput.Unwrapped(status.Output), StringComparison.Ordinal);
        Assert.Equal(withoutSigningKey, untouched);
        Assert.True(rotate.ExitCode == 0, rotate.Output);
        Assert.Contains("verified: every stored key (4) unwraps", CliOutput.Unwrapped(rotate.Output), StringComparison.Ordinal);
        Assert.Matches("signing key: sha256 [0-9a-f]{64}", after.Output);
    }

    [Fact]
    public async Task ExportPublic_ToFile_PemVerifiesTheDeletionCertificate()
    {
        var certificate = await PopulateAsync(signed: true);
        var pemPath = Path.Combine(directory.FullName, "signing.pem");
        var keyFile = await File.ReadAllBytesAsync(KeyPath);

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "export-public", "--out", pemPath);

        Assert.True(exitCode == 0, output);
        var pem = await File.ReadAllTextAsync(pemPath);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", pem, StringComparison.Ordinal);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        var publicKey = ecdsa.ExportSubjectPublicKeyInfo();
        Assert.True(DeletionCertificate.Verify(certificate!, publicKey));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(publicKey));
        Assert.Equal(fingerprint, DeletionCertificate.Parse(certificate!.Body).SigningKeySha256);
        Assert.Contains(fingerprint, output, StringComparison.Ordinal);
        Assert.Equal(keyFile, await File.ReadAllBytesAsync(KeyPath));
    }

    [Fact]
    public async Task ExportPublic_NoOut_WritesOnlyThePemToStandardOutput()
    {
        var certificate = await PopulateAsync(signed: true);

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "export-public");

        Assert.True(exitCode == 0, output);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", output, StringComparison.Ordinal);
        Assert.EndsWith("-----END PUBLIC KEY-----\n", output, StringComparison.Ordinal);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(output);
        Assert.True(DeletionCertificate.Verify(certificate!, ecdsa.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public async Task Rotate_AnotherRotationHoldsTheStore_RefusedWithExit8AndNothingChanged()
    {
        await PopulateAsync(signed: false);
        var before = await File.ReadAllBytesAsync(KeyPath);
        (int ExitCode, string Output) refused;
        await using (var database = new SqliteDatabase(Path.Combine(directory.FullName, "visage.db")))
        await using (await KeyMaintenanceLock.AcquireAsync(database, TimeSpan.Zero))
        {
            refused = await VisageProcess.RunAsync(directory.FullName, "keys", "rotate");
        }

        Assert.Equal(8, refused.ExitCode);
        Assert.Contains("Another Visage process is changing the keys", CliOutput.Unwrapped(refused.Output), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(KeyPath));
    }

    /// <summary>Three subjects with templates; with <paramref name="signed"/>, one more deleted, leaving a signed certificate.</summary>
    private async Task<DeletionCertificateRecord?> PopulateAsync(bool signed)
    {
        await using var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName });
        for (var i = 0; i < 3; i++)
        {
            await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(i), Purposes.CheckIn, "model@1");
        }

        if (!signed)
        {
            return null;
        }

        var deleted = await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(9), Purposes.CheckIn, "model@1");
        return await store.Vault.DeleteSubjectAsync(deleted.SubjectId, "dr-test", DeletionReason.Withdrawn);
    }

    /// <summary>Removes the signing key as an old or tampered key file would lack it, keeping the file owner-only; returns the bytes.</summary>
    private byte[] RemoveSigningKey()
    {
        var json = JsonNode.Parse(File.ReadAllText(KeyPath))!.AsObject();
        Assert.True(json.Remove("SigningKey"));
        File.WriteAllText(KeyPath, json.ToJsonString());
        return File.ReadAllBytes(KeyPath);
    }
}
