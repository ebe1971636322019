namespace Visage.Cli.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StorageCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-cli-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task DbMigrate_FreshDirectory_CreatesTheSchema_ThenReportsItCurrent()
    {
        var first = await VisageProcess.RunAsync(directory.FullName, "db", "migrate");
        var second = await VisageProcess.RunAsync(directory.FullName, "db", "migrate");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Matches(@"schema version 0 -> [1-9]\d*", first.Output);
        Assert.Contains("applied 1: protected template store", first.Output, StringComparison.Ordinal);
        Assert.Matches(@"schema is current \(version [1-9]\d*\)", second.Output);
        Assert.True(File.Exists(Path.Combine(directory.FullName, "visage.db")));
    }

    [Fact]
    public async Task KeyFileLost_AfterDataWasWritten_RefusesToStartWithTheFix()
    {
        Assert.Equal(0, (await VisageProcess.RunAsync(directory.FullName, "keys", "status")).ExitCode);
        File.Delete(Path.Combine(directory.FullName, "visage.keys"));

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "status");

        Assert.Equal(6, exitCode);
        Assert.Contains("Restore the key file from backup", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory.FullName, "visage.keys")), "a new key must not be created over existing data");
    }

    [Fact]
    public async Task KeyFileReadableByOthers_Refused()
    {
        Assert.Equal(0, (await VisageProcess.RunAsync(directory.FullName, "keys", "status")).ExitCode);
        File.SetUnixFileMode(Path.Combine(directory.FullName, "visage.keys"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "status");

        Assert.Equal(6, exitCode);
        Assert.Contains("chmod 600", output, StringComparison.Ordinal);
    }
}
