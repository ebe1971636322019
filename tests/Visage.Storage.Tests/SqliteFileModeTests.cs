using Visage.Protection;
using Visage.Storage.Migrations;

namespace Visage.Storage.Tests;

/// <summary>
/// The embedded database's files are the owner's alone. The test process runs under the usual umask 022, under which
/// SQLite alone creates visage.db, its WAL and shared memory 0644; the CLI test repeats this under umask 000.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SqliteFileModeTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-modes-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task NewDatabase_WalShmLockAndBackup_Are0600_InA0700Folder()
    {
        var folder = Path.Combine(root.FullName, "data");
        await using var database = new SqliteDatabase(Path.Combine(folder, "visage.db"));
        await new SchemaMigrator(database).MigrateAsync();
        await new BiometricStore(database).CountAsync("templates");
        await using (await database.AcquireExclusiveRoleAsync("test-role"))
        {
        }

        await database.BackupAsync(Path.Combine(folder, "visage.db.test.bak"));

        Assert.Equal(OwnerOnlyFiles.FolderPermissions, File.GetUnixFileMode(folder));
        var files = Directory.GetFiles(folder);
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("-shm", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".lock", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".bak", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFiles.FilePermissions, $"{Path.GetFileName(f)} is {File.GetUnixFileMode(f)}"));
    }

    [Fact]
    public async Task FilesAnOlderVersionLeftWorldReadable_AreNarrowedOnOpen()
    {
        var path = Path.Combine(root.FullName, "visage.db");
        await using (var first = new SqliteDatabase(path))
        {
            await new SchemaMigrator(first).MigrateAsync();
        }

        const UnixFileMode wide = OwnerOnlyFiles.FilePermissions | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(path, wide);
        File.WriteAllBytes(path + "-wal", []);
        File.SetUnixFileMode(path + "-wal", wide);

        await using var reopened = new SqliteDatabase(path);
        Assert.Equal(SchemaHistory.All[^1].Version, await new SchemaMigrator(reopened).CurrentVersionAsync());

        Assert.Equal(OwnerOnlyFiles.FilePermissions, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyFiles.FilePermissions, File.GetUnixFileMode(path + "-wal"));
    }

    [Fact]
    public async Task RandomBytesInsteadOfADatabase_IsAStorageError_AndTheFileIsLeftAsItWas()
    {
        var path = Path.Combine(root.FullName, "visage.db");
        var junk = new byte[8192];
        new Random(7).NextBytes(junk);
        File.WriteAllBytes(path, junk);

        await using var database = new SqliteDatabase(path);
        var refused = await Assert.ThrowsAsync<StorageException>(() => new SchemaMigrator(database).MigrateAsync());

        Assert.Contains("not a SQLite database", refused.Message, StringComparison.Ordinal);
        Assert.Equal(junk, File.ReadAllBytes(path));
    }
}
