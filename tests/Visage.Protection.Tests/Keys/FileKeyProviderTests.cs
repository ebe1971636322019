using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

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

    [Fact]
    public void Rotate_AnotherInstanceRotatedMeanwhile_KeepsItsVersionAndNumbersAfterIt()
    {
        var first = FileKeyProvider.OpenOrCreate(KeyPath);
        var second = FileKeyProvider.OpenOrCreate(KeyPath);
        var dataKey = SubjectDataCipher.NewDataKey();
        first.Rotate();
        var wrappedByFirst = first.Wrap(dataKey, Aad);

        var version = second.Rotate();

        Assert.Equal((2, 3), (wrappedByFirst.KeyVersion, version));
        var reopened = FileKeyProvider.OpenOrCreate(KeyPath);
        Assert.Equal([1, 2, 3], reopened.Versions);
        Assert.Equal(dataKey, reopened.Unwrap(wrappedByFirst, Aad, "r1"));
        Assert.Equal(dataKey, second.Unwrap(wrappedByFirst, Aad, "r1"));
    }

    [Fact]
    public void Retire_AnotherInstanceRotatedMeanwhile_KeepsTheNewVersion()
    {
        var first = FileKeyProvider.OpenOrCreate(KeyPath);
        var second = FileKeyProvider.OpenOrCreate(KeyPath);
        first.Rotate();

        second.Retire(1);

        Assert.Equal([2], FileKeyProvider.OpenOrCreate(KeyPath).Versions);
        Assert.Equal(2, second.CurrentVersion);
    }

    [Fact]
    public void Wrap_AnotherInstanceRotatedAndRetired_WrapsUnderTheFilesCurrentVersion()
    {
        var stale = FileKeyProvider.OpenOrCreate(KeyPath);
        var rotating = FileKeyProvider.OpenOrCreate(KeyPath);
        rotating.Rotate();
        rotating.Retire(1);

        var wrapped = stale.Wrap(SubjectDataCipher.NewDataKey(), Aad);

        Assert.Equal(2, wrapped.KeyVersion);
        Assert.Equal([2], stale.Versions);
    }

    [Fact]
    public void Rotate_KeyFileReplacedByAnotherInstallationsFile_RefusedAndFileUntouched()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        var otherPath = Path.Combine(directory.FullName, "other", "visage.keys");
        FileKeyProvider.OpenOrCreate(otherPath);
        File.Copy(otherPath, KeyPath, overwrite: true);
        var replaced = File.ReadAllBytes(KeyPath);

        var ex = Assert.Throws<KeyProviderException>(() => provider.Rotate());

        Assert.Contains("replaced by another key file", ex.Message, StringComparison.Ordinal);
        Assert.Equal(replaced, File.ReadAllBytes(KeyPath));
    }

    [Fact]
    public void Rotate_KeyFileLockHeldByAnotherProcess_RefusedAndFileUntouched()
    {
        var provider = FileKeyProvider.Open(KeyPath, StoreContents.None, TimeSpan.Zero);
        var before = File.ReadAllBytes(KeyPath);
        using var held = new FileStream(KeyPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var ex = Assert.Throws<KeyProviderException>(() => provider.Rotate());

        Assert.Contains("held the lock", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(KeyPath));
        Assert.Equal(1, provider.CurrentVersion);
    }

    [Fact]
    public void Rotate_LeavesOneOwnerOnlyFileAndNoTempFiles()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(KeyPath)!, ".visage.keys.0123456789ab.tmp"), "left by a crashed writer");

        provider.Rotate();

        Assert.Equal(["visage.keys", "visage.keys.lock"], Directory.GetFiles(Path.GetDirectoryName(KeyPath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
    }

    [Fact]
    public void Rotate_FieldsWrittenByANewerBuild_Kept()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        var json = JsonNode.Parse(File.ReadAllText(KeyPath))!;
        json["CheckpointHead"] = "kept";
        File.WriteAllText(KeyPath, json.ToJsonString());

        FileKeyProvider.OpenOrCreate(KeyPath).Rotate();

        Assert.Equal("kept", JsonNode.Parse(File.ReadAllText(KeyPath))!["CheckpointHead"]!.GetValue<string>());
    }

    [Fact]
    public void Open_MissingFileOverAStoreThatHoldsData_RefusedAndNothingCreated()
    {
        var ex = Assert.Throws<KeyProviderException>(() => FileKeyProvider.Open(KeyPath, new StoreContents("db", WrappedKeys: false, SignedRecords: false, AuditRecords: true)));

        Assert.Contains("Restore the key file from backup", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyPath));
    }

    [Fact]
    public void Open_NoSigningKeyOverSignedData_RefusedAndFileUntouched()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        var withoutSigningKey = RemoveSigningKey();

        var ex = Assert.Throws<KeyProviderException>(() => FileKeyProvider.Open(KeyPath, new StoreContents("db", WrappedKeys: true, SignedRecords: true, AuditRecords: true)));

        Assert.Contains("holds no signing key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(withoutSigningKey, File.ReadAllBytes(KeyPath));
    }

    [Fact]
    public void Open_NoSigningKeyOverUnsignedData_OpensWithoutWritingAndSigningRefused()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        var withoutSigningKey = RemoveSigningKey();

        var provider = FileKeyProvider.Open(KeyPath, new StoreContents("db", WrappedKeys: true, SignedRecords: false, AuditRecords: false));

        Assert.False(provider.HasSigningKey);
        Assert.Throws<KeyProviderException>(() => provider.Sign([1, 2, 3]));
        Assert.Equal(withoutSigningKey, File.ReadAllBytes(KeyPath));
    }

    [Fact]
    public void AddSigningKeyIfMissing_FileWithoutOne_AddsAndSigns()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        RemoveSigningKey();
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);

        Assert.True(provider.AddSigningKeyIfMissing());

        Assert.False(FileKeyProvider.OpenOrCreate(KeyPath).AddSigningKeyIfMissing());
        Assert.True(FileKeyProvider.OpenOrCreate(KeyPath).HasSigningKey);
        Assert.Equal(64, provider.Sign([1, 2, 3]).Length);
    }

    [Fact]
    public void Open_DamagedSigningKey_RefusedAndFileUntouched()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        var json = JsonNode.Parse(File.ReadAllText(KeyPath))!;
        json["SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(138));
        File.WriteAllText(KeyPath, json.ToJsonString());
        var damaged = File.ReadAllBytes(KeyPath);

        var ex = Assert.Throws<KeyProviderException>(() => FileKeyProvider.OpenOrCreate(KeyPath));

        Assert.Contains("signing key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, File.ReadAllBytes(KeyPath));
    }

    [Fact]
    public void Open_DamagedKeyVersion_Refused()
    {
        FileKeyProvider.OpenOrCreate(KeyPath);
        var json = JsonNode.Parse(File.ReadAllText(KeyPath))!;
        json["Keys"]![0]!["Key"] = "c2hvcnQ=";
        File.WriteAllText(KeyPath, json.ToJsonString());

        var ex = Assert.Throws<KeyProviderException>(() => FileKeyProvider.OpenOrCreate(KeyPath));

        Assert.Contains("damaged or duplicated key version (1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ExistingFile_NeverWritesIt()
    {
        var provider = FileKeyProvider.OpenOrCreate(KeyPath);
        provider.Rotate();
        var before = File.ReadAllBytes(KeyPath);
        var modified = File.GetLastWriteTimeUtc(KeyPath);

        var reopened = FileKeyProvider.Open(KeyPath, new StoreContents("db", WrappedKeys: true, SignedRecords: true, AuditRecords: true));
        reopened.Unwrap(reopened.Wrap(SubjectDataCipher.NewDataKey(), Aad), Aad, "r1");
        reopened.Sign([1]);

        Assert.Equal(before, File.ReadAllBytes(KeyPath));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(KeyPath));
    }

    /// <summary>Removes the signing key as an old (or tampered) key file would lack it, keeping the file owner-only; returns the bytes.</summary>
    private byte[] RemoveSigningKey()
    {
        var json = JsonNode.Parse(File.ReadAllText(KeyPath))!.AsObject();
        json.Remove("SigningKey");
        File.WriteAllText(KeyPath, json.ToJsonString());
        return File.ReadAllBytes(KeyPath);
    }
}
