using System.Text;

namespace Visage.Protection.Tests.Keys;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileKeyProviderTests : IDisposable
{
    private static readonly byte[] Aad = Encoding.ASCII.GetBytes("subject-1");
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-keys-");

    private string KeyPath => Path.Combine(directory.FullName, "data", "visage.keys");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void OpenOrCreate_FirstRun_CreatesAnOwnerOnlyKeyFile()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);

        Assert.Equal(1, provider.CurrentVersion);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
    }

    [Fact]
    public void OpenOrCreate_WorldReadableFile_RefusedWithTheFix()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var ex = Assert.Throws<KeyProviderException>(() => FileKeyProvider.OpenOrCreate(KeyPath));

        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenOrCreate_GarbledFile_RefusedWithAnActionableMessage()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        File.WriteAllText(KeyPath, "{ not json");

        var ex = Assert.Throws<KeyProviderException>(() => FileKeyProvider.OpenOrCreate(KeyPath));

        Assert.Contains("Restore it from backup", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unwrap_AfterReopening_ReturnsTheDataKey()
    {
        var dataKey = SubjectDataCipher.NewDataKey();
        var wrapped = FileKeyProvider.OpenOrCreate(KeyPath).Wrap(dataKey, Aad);

        var reopened = FileKeyProvider.OpenOrCreate(KeyPath);

        Assert.Equal(dataKey, reopened.Unwrap(wrapped, Aad, "r1"));
        Assert.NotEqual(dataKey, wrapped.Blob.Skip(12).Take(32).ToArray());
    }

    [Fact]
    public void Rotate_OldWrappedKeysStillUnwrap_NewOnesUseTheNewVersion()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        var dataKey = SubjectDataCipher.NewDataKey();
        var before = provider.Wrap(dataKey, Aad);

        var version = provider.Rotate();
        var after = provider.Wrap(dataKey, Aad);

        Assert.Equal(2, version);
        Assert.Equal((1, 2), (before.KeyVersion, after.KeyVersion));
        Assert.Equal(dataKey, FileKeyProvider.OpenOrCreate(KeyPath).Unwrap(before, Aad, "r1"));
        Assert.Equal(dataKey, FileKeyProvider.OpenOrCreate(KeyPath).Unwrap(after, Aad, "r1"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
    }

    [Fact]
    public void Unwrap_UnknownKeyVersion_TypedErrorNamingTheRecord()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad) with { KeyVersion = 7 };

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped, Aad, "record-42"));

        Assert.Equal((ProtectedDataFailure.UnknownKeyVersion, "record-42"), (ex.Reason, ex.RecordId));
    }

    [Fact]
    public void Unwrap_OtherSubjectsAssociatedData_FailsAuthentication()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped, Encoding.ASCII.GetBytes("subject-2"), "r1"));

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
    }

    [Fact]
    public void Unwrap_KeyFromAnotherInstallation_FailsAuthentication()
    {
        var wrapped = FileKeyProvider.OpenOrCreate(KeyPath).Wrap(SubjectDataCipher.NewDataKey(), Aad);
        var other = FileKeyProvider.OpenOrCreate(Path.Combine(directory.FullName, "other", "visage.keys"));

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, Assert.Throws<ProtectedDataException>(() => other.Unwrap(wrapped, Aad, "r1")).Reason);
    }

    [Fact]
    public void Retire_OldVersion_ItsWrappedKeysNoLongerUnwrap_CurrentRefused()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);
        provider.Rotate();

        provider.Retire(1);

        Assert.Equal([2], FileKeyProvider.OpenOrCreate(KeyPath).Versions);
        Assert.Equal(ProtectedDataFailure.UnknownKeyVersion, Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped, Aad, "r1")).Reason);
        Assert.Throws<KeyProviderException>(() => provider.Retire(2));
    }

    [Fact]
    public void Sign_VerifiesWithTheExportedPublicKey_AndFailsForOtherData()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        var data = Encoding.UTF8.GetBytes("{\"subject\":\"s1\"}");

        var signature = provider.Sign(data);

        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(FileKeyProvider.OpenOrCreate(KeyPath).ExportSigningPublicKey(), out _);
        var format = System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation;
        Assert.True(ecdsa.VerifyData(data, signature, System.Security.Cryptography.HashAlgorithmName.SHA256, format));
        data[0] ^= 1;
        Assert.False(ecdsa.VerifyData(data, signature, System.Security.Cryptography.HashAlgorithmName.SHA256, format));
    }
}
