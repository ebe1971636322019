using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage.Migrations;

namespace Visage.Storage.Tests;

/// <summary>The storage contract, run unchanged against SQLite and PostgreSQL.</summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private const Purposes CheckIn = Purposes.CheckIn;
    private StoreHarness? harness;

    protected StoreHarness Harness => harness!;

    public async Task InitializeAsync() => harness = await StoreHarness.CreateAsync(OpenDatabaseAsync);

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    protected abstract Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory);

    [Fact]
    public async Task Migrate_AppliesEverySchemaVersionOnce()
    {
        var migrator = new SchemaMigrator(Harness.Database);

        var again = await migrator.MigrateAsync();

        Assert.Equal(migrator.LatestVersion, await migrator.CurrentVersionAsync());
        Assert.Empty(again.Applied);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM schema_migrations WHERE version = 1;"));
    }

    [Fact]
    public async Task Migrate_DatabaseNewerThanThisBuild_Refused()
    {
        await ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_ms) VALUES (99, 'future', 0);");

        var ex = await Assert.ThrowsAsync<StorageException>(() => new SchemaMigrator(Harness.Database).MigrateAsync());

        Assert.Contains("newer than this build", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Purposes.None)]
    [InlineData(Purposes.Operations)]
    [InlineData(Purposes.CheckIn | Purposes.SecurityReview)]
    public async Task Enrol_WithoutARecognitionPurposeSet_RefusedAndNothingStored(Purposes purposes)
    {
        var subject = Guid.NewGuid();
        await Assert.ThrowsAsync<ArgumentException>(() => Harness.Vault.EnrolAsync(subject, Embeddings.Random(1), purposes, "model@1"));
        Assert.Empty(await Harness.Store.GetTemplatesAsync(subject));
    }

    [Fact]
    public async Task Enrol_KeepsEveryPurposeBit_AcrossAReopen()
    {
        var subject = Guid.NewGuid();
        await Harness.Vault.EnrolAsync(subject, Embeddings.Random(2), Purposes.Recognition, "model@1");
        Assert.Equal(Purposes.Recognition, Assert.Single(await (await Harness.ReopenAsync()).GetTemplatesAsync(subject)).Purposes);
    }

    [Fact]
    public async Task Enrol_StoresOnlyCiphertextOfTheTransformedTemplate_AndReadsItBack()
    {
        var subject = Guid.NewGuid();
        var embedding = Embeddings.Random(1);

        var enrolled = await Harness.Vault.EnrolAsync(subject, embedding, CheckIn, "model@1");

        var read = Assert.Single(await (await Harness.ReopenAsync()).GetTemplatesAsync(subject));
        Assert.Equal(enrolled.Vector, read.Vector);
        Assert.Equal((CheckIn, "model@1", 1), (read.Purposes, read.ModelVersion, read.TransformVersion));
        Assert.True(Math.Abs(Embeddings.Cosine(read.Vector, embedding)) < 0.3, "the stored template must be the transformed vector, not the embedding");
        var stored = Assert.Single(await Harness.Store.GetTemplatesAsync(subject)).Ciphertext;
        Assert.False(Contains(stored, MemoryMarshal.AsBytes(read.Vector.AsSpan())[..16].ToArray()));
    }

    [Fact]
    public async Task Probe_ProtectedWithTheSameTransform_ScoresLikeThePlainEmbeddings()
    {
        var subject = Guid.NewGuid();
        var a = Embeddings.Random(2);
        var b = Embeddings.Random(3);
        var enrolled = await Harness.Vault.EnrolAsync(subject, a, CheckIn, "model@1");

        var probe = Harness.Vault.Protect(b);

        Assert.Equal(Embeddings.Cosine(a, b), Embeddings.Cosine(enrolled.Vector, probe), 4);
    }

    [Fact]
    public async Task CiphertextsSwappedBetweenRows_DetectedAndNamedByRecordId()
    {
        var first = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(4), CheckIn, "m");
        var second = await Harness.Vault.EnrolAsync(first.SubjectId, Embeddings.Random(5), CheckIn, "m");
        var ciphertexts = (await Harness.Store.GetTemplatesAsync(first.SubjectId)).ToDictionary(t => t.Id, t => t.Ciphertext);

        await SetBlobAsync("templates", "ciphertext", first.Id, ciphertexts[second.Id]);

        var ex = await Assert.ThrowsAsync<ProtectedDataException>(() => Harness.Vault.GetTemplatesAsync(first.SubjectId));
        Assert.Equal((ProtectedDataFailure.AuthenticationFailed, first.Id.ToString("N")), (ex.Reason, ex.RecordId));
    }

    [Fact]
    public async Task TruncatedCiphertext_TypedErrorNotAWrongDecrypt()
    {
        var enrolled = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(6), CheckIn, "m");

        await SetBlobAsync("templates", "ciphertext", enrolled.Id, new byte[20]);

        var ex = await Assert.ThrowsAsync<ProtectedDataException>(() => Harness.Vault.GetTemplatesAsync(enrolled.SubjectId));
        Assert.Equal(ProtectedDataFailure.Truncated, ex.Reason);
    }

    [Fact]
    public async Task WrappedKeyUnderUnknownVersion_TypedErrorNamingTheSubject()
    {
        var enrolled = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(7), CheckIn, "m");

        await ExecuteAsync("UPDATE subjects SET kek_version = 9;");

        var ex = await Assert.ThrowsAsync<ProtectedDataException>(() => Harness.Vault.GetTemplatesAsync(enrolled.SubjectId));
        Assert.Equal((ProtectedDataFailure.UnknownKeyVersion, enrolled.SubjectId.ToString("N")), (ex.Reason, ex.RecordId));
    }

    [Fact]
    public async Task WrappedKeyMovedToAnotherSubject_FailsAuthentication()
    {
        var a = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(8), CheckIn, "m");
        var b = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(9), CheckIn, "m");
        var wrappedA = (await Harness.Store.GetSubjectAsync(a.SubjectId))!.WrappedKey.Blob;

        await SetBlobAsync("subjects", "wrapped_key", b.SubjectId, wrappedA);

        var ex = await Assert.ThrowsAsync<ProtectedDataException>(() => Harness.Vault.GetTemplatesAsync(b.SubjectId));
        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
        Assert.Single(await Harness.Vault.GetTemplatesAsync(a.SubjectId));
    }

    [Fact]
    public async Task LoadAll_DecryptsEveryTemplateOfEverySubject()
    {
        var enrolled = new List<ProtectedTemplate>();
        for (var i = 0; i < 12; i++)
        {
            enrolled.Add(await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(100 + i), CheckIn, "m"));
        }

        enrolled.Add(await Harness.Vault.EnrolAsync(enrolled[0].SubjectId, Embeddings.Random(200), CheckIn, "m"));

        var loaded = new List<ProtectedTemplate>();
        await foreach (var t in (await Harness.ReopenAsync()).LoadAllAsync())
        {
            loaded.Add(t);
        }

        Assert.Equal(enrolled.Select(t => t.Id).Order(), loaded.Select(t => t.Id).Order());
        Assert.All(loaded, t => Assert.Equal(enrolled.Single(e => e.Id == t.Id).Vector, t.Vector));
    }

    [Fact]
    public async Task Evidence_EncryptedUnderTheSubjectKey_RoundTrips()
    {
        var enrolled = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(10), CheckIn, "m");
        var image = System.Text.Encoding.ASCII.GetBytes("JPEG bytes of a probe image, pretend");

        await Harness.Vault.AddEvidenceAsync(enrolled.SubjectId, "probe", image);

        var (_, kind, content) = Assert.Single(await Harness.Vault.GetEvidenceAsync(enrolled.SubjectId));
        Assert.Equal("probe", kind);
        Assert.Equal(image, content);
        Assert.False(Contains(Assert.Single(await Harness.Store.GetEvidenceAsync(enrolled.SubjectId)).Ciphertext, image.AsSpan(0, 16).ToArray()));
    }

    [Fact]
    public async Task DeleteSubject_RemovesEverything_AndStoresASignedCertificate()
    {
        var keep = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(11), CheckIn, "m");
        var gone = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(12), CheckIn, "m");
        await Harness.Vault.EnrolAsync(gone.SubjectId, Embeddings.Random(13), CheckIn, "m");
        await Harness.Vault.AddEvidenceAsync(gone.SubjectId, "probe", new byte[64]);
        var keyId = (await Harness.Store.GetSubjectAsync(gone.SubjectId))!.KeyId;

        var record = await Harness.Vault.DeleteSubjectAsync(gone.SubjectId, "privacy-officer-7", DeletionReason.Withdrawn);

        Assert.NotNull(record);
        Assert.Null(await Harness.Store.GetSubjectAsync(gone.SubjectId));
        Assert.Empty(await Harness.Store.GetTemplatesAsync(gone.SubjectId));
        Assert.Empty(await Harness.Store.GetEvidenceAsync(gone.SubjectId));
        Assert.Single(await Harness.Vault.GetTemplatesAsync(keep.SubjectId));
        var stored = Assert.Single(await Harness.Store.GetDeletionCertificatesAsync(gone.SubjectId));
        Assert.True(DeletionCertificate.Verify(stored, Harness.Keys.ExportSigningPublicKey()));
        var certificate = DeletionCertificate.Parse(stored.Body);
        Assert.Equal((DeletionCertificate.CurrentFormat, gone.SubjectId, 2, 1, keyId, "privacy-officer-7", "withdrawn"),
            (certificate.Format, certificate.Subject, certificate.TemplatesDeleted, certificate.EvidenceDeleted, certificate.DestroyedDataKeyId, certificate.Actor, certificate.Reason));
        Assert.False(DeletionCertificate.Verify(stored with { Body = stored.Body.Replace("withdrawn", "incident", StringComparison.Ordinal) }, Harness.Keys.ExportSigningPublicKey()));
    }

    [Theory]
    [InlineData("John Smith DOB 1970-01-01")]
    [InlineData("")]
    [InlineData("dr x")]
    public async Task DeleteSubject_ActorThatIsNotAnOperatorId_IsRefusedAndNothingIsDeleted(string actor)
    {
        var enrolled = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(15), CheckIn, "m");

        var refused = await Assert.ThrowsAsync<StorageException>(() => Harness.Vault.DeleteSubjectAsync(enrolled.SubjectId, actor, DeletionReason.Withdrawn));

        Assert.DoesNotContain("1970", refused.Message, StringComparison.Ordinal);
        Assert.Single(await Harness.Vault.GetTemplatesAsync(enrolled.SubjectId));
        Assert.Equal(0L, await Harness.Store.CountAsync("deletion_certificates"));
    }

    [Fact]
    public async Task DeleteSubject_Unknown_ReturnsNullAndChangesNothing()
    {
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(14), CheckIn, "m");

        Assert.Null(await Harness.Vault.DeleteSubjectAsync(Guid.NewGuid(), "a", DeletionReason.Request));
        Assert.Equal(1L, await Harness.Store.CountAsync("templates"));
        Assert.Equal(0L, await Harness.Store.CountAsync("deletion_certificates"));
    }

    [Fact]
    public async Task Rotate_RewrapsEveryKey_RetiresTheOldVersion_EverythingStillDecrypts()
    {
        var enrolled = new List<ProtectedTemplate>();
        for (var i = 0; i < 7; i++)
        {
            enrolled.Add(await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(300 + i), CheckIn, "m"));
        }

        var progress = new List<RotationProgress>();
        var result = await new KeyRotation(Harness.Store, Harness.Keys).RunAsync(batchSize: 3, new SynchronousProgress<RotationProgress>(progress.Add));

        Assert.Equal((2, false, 8L), (result.TargetVersion, result.Resumed, result.Rewrapped));
        Assert.Equal([1], result.Retired);
        Assert.Equal([2], FileKeyProvider.OpenOrCreate(Harness.KeyPath).Versions);
        Assert.Equal(8L, progress[^1].Done);
        var reopened = await Harness.ReopenAsync();
        foreach (var t in enrolled)
        {
            Assert.Equal(t.Vector, Assert.Single(await reopened.GetTemplatesAsync(t.SubjectId)).Vector);
        }
    }

    [Fact]
    public async Task Rotate_InterruptedAfterOneBatch_ResumesToTheSameVersion()
    {
        var enrolled = new List<ProtectedTemplate>();
        for (var i = 0; i < 6; i++)
        {
            enrolled.Add(await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(400 + i), CheckIn, "m"));
        }

        var crash = new SynchronousProgress<RotationProgress>(p =>
        {
            if (p.Done > 2)
            {
                throw new InvalidOperationException("simulated crash");
            }
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => new KeyRotation(Harness.Store, Harness.Keys).RunAsync(2, crash));
        var mixed = await Harness.Store.CountWrappedKeysByVersionAsync();
        Assert.True(mixed.ContainsKey(1) && mixed.ContainsKey(2), "the crash must leave keys under both versions");

        var result = await new KeyRotation(Harness.Store, FileKeyProvider.OpenOrCreate(Harness.KeyPath)).RunAsync(2);

        Assert.Equal((2, true), (result.TargetVersion, result.Resumed));
        Assert.Equal([1], result.Retired);
        var reopened = await Harness.ReopenAsync();
        foreach (var t in enrolled)
        {
            Assert.Equal(t.Vector, Assert.Single(await reopened.GetTemplatesAsync(t.SubjectId)).Vector);
        }
    }

    [Fact]
    public async Task Open_KeyFileThatDoesNotHoldTheStoresKeys_RefusedWithTheFix()
    {
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(15), CheckIn, "m");
        var otherKeys = FileKeyProvider.OpenOrCreate(Path.Combine(Path.GetTempPath(), $"visage-other-{Guid.NewGuid():N}.keys"));
        otherKeys.Rotate();
        otherKeys.Retire(1);

        var ex = await Assert.ThrowsAsync<KeyProviderException>(() => TemplateVault.OpenAsync(Harness.Store, otherKeys));

        Assert.Contains("restore it from backup", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedSubjectsWrappedKey_CannotBeUnwrappedAfterTheNextRotation()
    {
        var gone = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(16), CheckIn, "m");
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(17), CheckIn, "m");
        var wrapped = (await Harness.Store.GetSubjectAsync(gone.SubjectId))!;
        await Harness.Vault.DeleteSubjectAsync(gone.SubjectId, "a", DeletionReason.Request);

        await new KeyRotation(Harness.Store, Harness.Keys).RunAsync();

        // Whatever copy of the old wrapping survives in pages, WAL or backups, no remaining key opens it.
        var ex = Assert.Throws<ProtectedDataException>(() =>
            Harness.Keys.Unwrap(wrapped.WrappedKey, System.Text.Encoding.ASCII.GetBytes($"visage/subject-key|{gone.SubjectId:N}|{wrapped.KeyId:N}"), "x"));
        Assert.Equal(ProtectedDataFailure.UnknownKeyVersion, ex.Reason);
    }

    [Fact]
    public async Task RenewTransform_ReissuesEveryTemplate_OldTemplatesBecomeUseless()
    {
        var embeddings = Enumerable.Range(500, 5).Select(i => Embeddings.Random(i)).ToList();
        var subjects = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var old = new List<ProtectedTemplate>();
        for (var i = 0; i < embeddings.Count; i++)
        {
            old.Add(await Harness.Vault.EnrolAsync(subjects[i % 2], embeddings[i], CheckIn, "m"));
        }

        var result = await new TemplateRenewal(Harness.Vault).RunAsync(batchSize: 2);

        Assert.Equal((2, false, 5L), (result.TransformVersion, result.Resumed, result.Reissued));
        Assert.Equal([1], result.DestroyedTransformVersions);
        var renewed = await Harness.ReopenAsync();
        Assert.Equal(2, renewed.TransformVersion);
        Assert.Single(await Harness.Store.GetTransformKeysAsync());
        for (var i = 0; i < embeddings.Count; i++)
        {
            var now = (await renewed.GetTemplatesAsync(old[i].SubjectId)).Single(t => t.Id == old[i].Id);
            var probe = renewed.Protect(embeddings[i]);
            Assert.Equal(1.0f, Embeddings.Cosine(now.Vector, probe), 3);
            Assert.True(Math.Abs(Embeddings.Cosine(old[i].Vector, probe)) < 0.3, "an old template must not match a probe made under the new key");
        }
    }

    [Fact]
    public async Task TemplateRelabelledWithAnotherTransformVersion_FailsAuthentication()
    {
        var enrolled = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(18), CheckIn, "m");

        await ExecuteAsync("UPDATE templates SET transform_version = 2;");

        var ex = await Assert.ThrowsAsync<ProtectedDataException>(() => Harness.Vault.GetTemplatesAsync(enrolled.SubjectId));
        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
    }

    [Fact]
    public async Task Gallery_LoadedFromTheStore_FindsEnrolledSubjects_AndForgetsDeletedOnes()
    {
        using var live = new Visage.Gallery.FaceGallery();
        var sync = new GallerySync(Harness.Vault, live);
        var faces = Enumerable.Range(600, 30).Select(i => Embeddings.Random(i)).ToList();
        var subjects = new List<Guid>();
        foreach (var face in faces)
        {
            subjects.Add((await sync.EnrolAsync(Guid.NewGuid(), face, Visage.Gallery.Purposes.CheckIn, "m")).SubjectId);
        }

        await sync.DeleteSubjectAsync(subjects[0], "a", DeletionReason.Request);
        using var restarted = new Visage.Gallery.FaceGallery();
        var loaded = await new GallerySync(await Harness.ReopenAsync(), restarted).LoadAsync();

        Assert.Equal(29L, loaded);
        var query = new Visage.Gallery.GalleryQuery(Visage.Gallery.Purposes.CheckIn, TopK: 3, MinScore: 0.4f);
        foreach (var gallery in new[] { live, restarted })
        {
            var probeSync = new GallerySync(Harness.Vault, gallery);
            Assert.Equal(subjects[5], Assert.Single(probeSync.Search(faces[5], query)).SubjectId);
            Assert.Empty(probeSync.Search(faces[0], query));
            Assert.Empty(probeSync.Search(faces[5], query with { Purpose = Visage.Gallery.Purposes.Research }));
        }
    }

    [Fact]
    public async Task Rotate_WhileAnotherProcessHoldsTheMaintenanceLock_RefusedAndNothingChanged()
    {
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(700), CheckIn, "m");
        var before = await Harness.Store.CountWrappedKeysByVersionAsync();
        var keyFile = await File.ReadAllBytesAsync(Harness.KeyPath);

        StorageException refused;
        await using (await KeyMaintenanceLock.AcquireAsync(Harness.Database, TimeSpan.Zero))
        {
            refused = await Assert.ThrowsAsync<StorageException>(() => new KeyRotation(Harness.Store, Harness.Keys).RunAsync());
        }

        Assert.Contains("Another Visage process is changing the keys", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Harness.Store.CountWrappedKeysByVersionAsync());
        Assert.Equal(keyFile, await File.ReadAllBytesAsync(Harness.KeyPath));
        Assert.Equal(2, (await new KeyRotation(Harness.Store, Harness.Keys).RunAsync()).TargetVersion);
    }

    [Fact]
    public async Task Renew_WhileAnotherProcessHoldsTheMaintenanceLock_RefusedAndNothingChanged()
    {
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(701), CheckIn, "m");

        await using (await KeyMaintenanceLock.AcquireAsync(Harness.Database, TimeSpan.Zero))
        {
            await Assert.ThrowsAsync<StorageException>(() => new TemplateRenewal(Harness.Vault).RunAsync());
        }

        Assert.Equal([1], (await Harness.Store.GetTransformKeysAsync()).Select(k => k.Version));
    }

    [Fact]
    public async Task Rotate_ProviderOpenedBeforeAnotherProcessRotated_NumbersAfterItAndEverythingDecrypts()
    {
        var embeddings = Enumerable.Range(710, 4).Select(i => Embeddings.Random(i)).ToList();
        var enrolled = new List<ProtectedTemplate>();
        foreach (var embedding in embeddings)
        {
            enrolled.Add(await Harness.Vault.EnrolAsync(Guid.NewGuid(), embedding, CheckIn, "m"));
        }

        var stale = FileKeyProvider.OpenOrCreate(Harness.KeyPath);
        await new KeyRotation(Harness.Store, Harness.Keys).RunAsync(batchSize: 2);

        var result = await new KeyRotation(Harness.Store, stale).RunAsync(batchSize: 2);

        Assert.Equal((3, 5L), (result.TargetVersion, result.Verified));
        Assert.Equal([2], result.Retired);
        Assert.Equal([3], FileKeyProvider.OpenOrCreate(Harness.KeyPath).Versions);
        var reopened = await Harness.ReopenAsync();
        foreach (var t in enrolled)
        {
            Assert.Equal(t.Vector, Assert.Single(await reopened.GetTemplatesAsync(t.SubjectId)).Vector);
        }
    }

    [Fact]
    public async Task Renew_VaultOpenedBeforeAnotherProcessRenewed_RenewsFromTheStoredTransform()
    {
        var embeddings = Enumerable.Range(720, 4).Select(i => Embeddings.Random(i)).ToList();
        var enrolled = new List<ProtectedTemplate>();
        foreach (var embedding in embeddings)
        {
            enrolled.Add(await Harness.Vault.EnrolAsync(Guid.NewGuid(), embedding, CheckIn, "m"));
        }

        var stale = await Harness.ReopenAsync();
        await new TemplateRenewal(Harness.Vault).RunAsync(batchSize: 3);

        var result = await new TemplateRenewal(stale).RunAsync(batchSize: 3);

        Assert.Equal((3, false, 4L), (result.TransformVersion, result.Resumed, result.Reissued));
        Assert.Equal([2], result.DestroyedTransformVersions);
        var renewed = await Harness.ReopenAsync();
        for (var i = 0; i < embeddings.Count; i++)
        {
            var now = Assert.Single(await renewed.GetTemplatesAsync(enrolled[i].SubjectId));
            Assert.Equal(1.0f, Embeddings.Cosine(now.Vector, renewed.Protect(embeddings[i])), 3);
        }
    }

    [Fact]
    public async Task GetContents_TellsWrappedKeysSignedRecordsAndAuditRecordsApart()
    {
        var enrolled = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(730), CheckIn, "m");
        var unsigned = await Harness.Store.GetContentsAsync();

        await Harness.Vault.DeleteSubjectAsync(enrolled.SubjectId, "a", DeletionReason.Request);
        var signed = await Harness.Store.GetContentsAsync();

        Assert.Equal((true, false, false), (unsigned.WrappedKeys, unsigned.SignedRecords, unsigned.AuditRecords));
        Assert.Equal((true, true, false), (signed.WrappedKeys, signed.SignedRecords, signed.AuditRecords));
        Assert.Equal(Harness.Database.Description, signed.Description);
    }

    protected static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = await Harness.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Harness.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task SetBlobAsync(string table, string column, Guid id, byte[] value)
    {
        await using var connection = await Harness.Database.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = $"UPDATE {table} SET {column} = @value WHERE id = @id;";
        var p1 = command.CreateParameter();
        p1.ParameterName = "@value";
        p1.Value = value;
        var p2 = command.CreateParameter();
        p2.ParameterName = "@id";
        p2.Value = id;
        command.Parameters.Add(p1);
        command.Parameters.Add(p2);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Progress that reports on the caller's thread, so a throwing handler interrupts the run like a crash.</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}

public sealed class SqliteStoreTests : StoreContractTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) =>
        Task.FromResult<VisageDatabase>(new SqliteDatabase(Path.Combine(directory.FullName, "visage.db")));
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;

[Collection("postgres")]
public sealed class PostgresStoreTests(PostgresCluster cluster) : StoreContractTests
{
    protected override async Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) =>
        new PostgresDatabase(await cluster.CreateDatabaseAsync());
}
