using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Cli.Tests;

/// <summary><c>visage subjects delete|certificates</c>: reason codes only, and a certificate that does not verify is a failure (exit 13).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SubjectsCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-subjects-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Delete_WithAReasonCode_IssuesACertificateThatVerifies_WithTheProviderOrTheExportedPublicKey()
    {
        var subject = await EnrolAsync();
        var pem = Path.Combine(directory.FullName, "signing.pem");

        var deleted = await VisageProcess.RunAsync(directory.FullName, "subjects", "delete", subject.ToString(), "--actor", "dr-7", "--reason", "error-correction");
        Assert.Equal(0, (await VisageProcess.RunAsync(directory.FullName, "keys", "export-public", "--out", pem)).ExitCode);
        var listed = await VisageProcess.RunAsync(directory.FullName, "subjects", "certificates", subject.ToString());
        var pinned = await VisageProcess.RunAsync(directory.FullName, "subjects", "certificates", subject.ToString(), "--public-key", pem);

        Assert.True(deleted.ExitCode == 0, deleted.Output);
        Assert.Contains("\"format\":\"visage-deletion-certificate/2\"", deleted.Output, StringComparison.Ordinal);
        Assert.Contains("\"actor\":\"dr-7\",\"reason\":\"error-correction\"", deleted.Output, StringComparison.Ordinal);
        Assert.True(listed.ExitCode == 0, listed.Output);
        Assert.Contains("signature valid", listed.Output, StringComparison.Ordinal);
        Assert.True(pinned.ExitCode == 0, pinned.Output);
        Assert.Contains("signature valid", pinned.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificates_AlteredInTheDatabase_OrCheckedWithAnotherKey_Exit13()
    {
        var subject = await EnrolAsync();
        Assert.Equal(0, (await VisageProcess.RunAsync(directory.FullName, "subjects", "delete", subject.ToString(), "--actor", "dr-7", "--reason", "withdrawn")).ExitCode);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherPem = Path.Combine(directory.FullName, "other.pem");
        await File.WriteAllTextAsync(otherPem, other.ExportSubjectPublicKeyInfoPem());

        var wrongKey = await VisageProcess.RunAsync(directory.FullName, "subjects", "certificates", subject.ToString(), "--public-key", otherPem);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE deletion_certificates SET body = replace(body, 'withdrawn', 'retention');";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var altered = await VisageProcess.RunAsync(directory.FullName, "subjects", "certificates", subject.ToString());

        Assert.Equal(13, wrongKey.ExitCode);
        Assert.Contains("signature INVALID", wrongKey.Output, StringComparison.Ordinal);
        Assert.Equal(13, altered.ExitCode);
        Assert.Contains("signature INVALID", altered.Output, StringComparison.Ordinal);
        Assert.False(CliOutput.HasStackTrace(altered.Output), altered.Output);
    }

    [Fact]
    public async Task Delete_AnUnknownSubject_Exit9_AndNoCertificate()
    {
        await EnrolAsync();
        var unknown = Guid.NewGuid().ToString();

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "subjects", "delete", unknown, "--actor", "dr-7", "--reason", "request");
        var certificates = await VisageProcess.RunAsync(directory.FullName, "subjects", "certificates", unknown);

        Assert.True(exitCode == 9, output);
        Assert.Equal(9, certificates.ExitCode);
    }

    private async Task<Guid> EnrolAsync()
    {
        await using var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName });
        return (await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(5), Purposes.CheckIn, "model@1")).SubjectId;
    }
}
