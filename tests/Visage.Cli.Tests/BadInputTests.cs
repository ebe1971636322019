using System.Diagnostics;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Cli.Tests;

/// <summary>
/// Every bad input a hostile or careless user can give ends with its exit code and one clear line: no stack trace,
/// no value echoed back (it could be a patient's name or record number), nothing stored changed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BadInputTests : IDisposable
{
    private const string Subject = "0f8fad5b-d9cb-469f-a165-70867728950e";

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-bad-input-");

    public void Dispose() => root.Delete(recursive: true);

    private string Data => Path.Combine(root.FullName, "data");

    [Fact]
    public async Task Detect_ADirectory_IsExit2()
    {
        var (exitCode, output) = await RunAsync("detect", root.FullName);

        AssertRefused(2, exitCode, output, "directory");
    }

    [Fact]
    public async Task Detect_AnEndlessDevice_IsExit2_AfterReadingOnlyUpToTheLimit()
    {
        var (exitCode, output) = await RunAsync("detect", "/dev/zero");

        AssertRefused(2, exitCode, output, "EncodedSizeExceeded");
    }

    [Theory]
    [InlineData(3L * 1024 * 1024 * 1024)]
    [InlineData(31L * 1024 * 1024)]
    public async Task Detect_AFileOverTheLimit_IsExit2_RefusedFromItsLength(long length)
    {
        var path = Path.Combine(root.FullName, "huge.jpg");
        await using (var stream = File.Create(path))
        {
            stream.SetLength(length);
        }

        var (exitCode, output) = await RunAsync("detect", path);

        AssertRefused(2, exitCode, output, "EncodedSizeExceeded");
    }

    [Fact]
    public async Task Detect_AFifoFedPastTheLimit_IsExit2()
    {
        var fifo = Path.Combine(root.FullName, "camera");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var writer = Task.Run(() =>
        {
            try
            {
                using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                var chunk = new byte[1024 * 1024];
                for (var i = 0; i < 64; i++)
                {
                    stream.Write(chunk);
                }
            }
            catch (IOException)
            {
                // The reader closed its end at the limit.
            }
        });
        var (exitCode, output) = await RunAsync("detect", fifo);
        await writer;

        AssertRefused(2, exitCode, output, "EncodedSizeExceeded");
    }

    [Fact]
    public async Task Detect_AMissingFile_IsExit2_WithoutItsName()
    {
        var (exitCode, output) = await RunAsync("detect", Path.Combine(root.FullName, "Jane-Doe-1970-01-01.jpg"));

        AssertRefused(2, exitCode, output, "No image file exists");
        Assert.DoesNotContain("Jane-Doe", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--batch-size", "99999999999")]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "ten")]
    [InlineData("--wait", "-1")]
    public async Task KeysRotate_ANumberOutOfRange_IsExit2_NamingTheRange(string option, string value)
    {
        var (exitCode, output) = await RunAsync("keys", "rotate", option, value);

        AssertRefused(2, exitCode, output, $"{option} must be a whole number from");
        Assert.DoesNotContain($"'{value}'", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "visage.db")), "a refused command must not create a store");
    }

    [Theory]
    [InlineData("VISAGE_Server__HttpsPort", "abc", "Server:HttpsPort must be")]
    [InlineData("VISAGE_Server__Identity__IdleTimeout", "soon", "Server:Identity:IdleTimeout must be")]
    [InlineData("VISAGE_Face__MatchThreshold", "abc", "Face:MatchThreshold must be a number from -1 to 1")]
    [InlineData("VISAGE_Models__Gates__MaxFmr", "abc", "Models:Gates:MaxFmr must be")]
    [InlineData("VISAGE_Models__RequireApproval", "maybe", "Models:RequireApproval must be true or false")]
    [InlineData("VISAGE_Recognition__CheckIn__Accept", "high", "Recognition:CheckIn:Accept must be")]
    [InlineData("VISAGE_Drift__MinSamples", "many", "Drift:MinSamples must be")]
    [InlineData("VISAGE_Face__Threads", "lots", "Face:Threads must be a whole number from 1 to 64")]
    [InlineData("VISAGE_Face__Liveness__Enabled", "maybe", "Face:Liveness:Enabled must be true or false")]
    [InlineData("VISAGE_Storage__DataDirectory", "/etc/passwd", "Storage:DataDirectory names a file")]
    [InlineData("VISAGE_Storage__Provider", "oracle", "Storage:Provider must be 'sqlite' or 'postgres'")]
    [InlineData("VISAGE_Storage__Provider", "postgres", "Storage:Postgres (an Npgsql connection string) is required when Storage:Provider is 'postgres'")]
    [InlineData("VISAGE_Storage__Keys__Provider", "vault", "Storage:Keys:Provider must be 'file' or 'pkcs11'")]
    [InlineData("VISAGE_Storage__Keys__Provider", "pkcs11", "Storage:Keys:Pkcs11Library, Pkcs11Token and Pkcs11Pin")]
    [InlineData("VISAGE_Storage__Keys__File", "/tmp", "Storage:Keys:File names a folder")]
    [InlineData("VISAGE_Audit__CheckpointEveryRecords", "0", "Audit:CheckpointEveryRecords must be a whole number from 1 to 2147483647")]
    [InlineData("VISAGE_Audit__CheckpointEveryRecords", "many", "Audit:CheckpointEveryRecords must be a whole number")]
    [InlineData("VISAGE_Audit__MaxBatch", "0", "Audit:MaxBatch must be a whole number from 1 to 100000")]
    [InlineData("VISAGE_Audit__CheckpointInterval", "00:00:00", "Audit:CheckpointInterval must be a time span above zero and at most one day")]
    [InlineData("VISAGE_Audit__CheckpointInterval", "soon", "Audit:CheckpointInterval must be a duration (hh:mm:ss)")]
    [InlineData("VISAGE_Audit__AnchorFile", "/tmp", "Audit:AnchorFile names a folder")]
    [InlineData("VISAGE_Deid__Workers", "0", "Deid:Workers must be a whole number from 1 to 256")]
    [InlineData("VISAGE_ActiveLiveness__MinYawChangeDegrees", "1", "ActiveLiveness:MinYawChangeDegrees")]
    [InlineData("VISAGE_ActiveLiveness__NonceLifetime", "01:00:00", "ActiveLiveness:NonceLifetime must be above zero and at most 00:10:00")]
    public async Task InvalidConfiguration_IsExit3_NamingTheSettingAndWhatItAccepts(string variable, string value, string message)
    {
        var start = VisageProcess.StartInfo(Data, "keys", "status");
        start.Environment[variable] = value;

        var (exitCode, output) = await VisageProcess.RunAsync(start);

        AssertRefused(3, exitCode, output, message);
    }

    [Fact]
    public async Task SubjectsDelete_EmptyActorAndReason_IsExit2()
    {
        var (exitCode, output) = await RunAsync("subjects", "delete", Subject, "--actor", string.Empty, "--reason", string.Empty);

        AssertRefused(2, exitCode, output, "--actor must be an operator id");
        Assert.Contains("--reason must be one of withdrawn, expired, retention, request, error-correction, incident", CliOutput.Unwrapped(output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MRN-00123456")]
    [InlineData("John Smith")]
    public async Task SubjectsDelete_AnIdThatIsNotOpaque_IsExit2_AndNotEchoed(string typed)
    {
        var (exitCode, output) = await RunAsync("subjects", "delete", typed, "--actor", "dr-7", "--reason", "withdrawn");

        AssertRefused(2, exitCode, output, "opaque id");
        Assert.DoesNotContain(typed, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownToken_IsExit2_AndNotEchoed()
    {
        var (exitCode, output) = await RunAsync("subjects", "delete", Subject, "Smith-1970-01-01", "--actor", "dr-7", "--reason", "withdrawn");

        AssertRefused(2, exitCode, output, "Unrecognized command or argument");
        Assert.DoesNotContain("Smith", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Database=visage;Username=visage;Password=hunter2-secret;Timeout=3", "cannot be reached")]
    [InlineData("Hots=db;Password=hunter2-secret", "not a valid Npgsql connection string")]
    public async Task AnUnreachableOrMalformedPostgres_IsExit8_WithoutThePassword(string connectionString, string message)
    {
        var start = VisageProcess.StartInfo(Data, "keys", "status");
        start.Environment["VISAGE_Storage__Provider"] = "postgres";
        start.Environment["VISAGE_Storage__Postgres"] = connectionString;

        var (exitCode, output) = await VisageProcess.RunAsync(start);

        AssertRefused(8, exitCode, output, message);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARandomBytesDatabase_IsExit8_AndLeftAsItWas()
    {
        Directory.CreateDirectory(Data);
        var junk = new byte[64 * 1024];
        new Random(11).NextBytes(junk);
        var path = Path.Combine(Data, "visage.db");
        await File.WriteAllBytesAsync(path, junk);

        var (exitCode, output) = await RunAsync("keys", "status");

        AssertRefused(8, exitCode, output, "is not a SQLite database or is damaged");
        Assert.Equal(junk, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(Path.Combine(Data, "visage.keys")), "no key may be made for a store that could not be read");
    }

    [Fact]
    public async Task ADamagedModelManifest_IsExit4()
    {
        var manifest = Path.Combine(root.FullName, "manifest.json");
        await File.WriteAllTextAsync(manifest, "{ not json");
        var start = VisageProcess.StartInfo(Data, "models", "verify");
        start.Environment["VISAGE_Face__ManifestPath"] = manifest;

        var (exitCode, output) = await VisageProcess.RunAsync(start);

        AssertRefused(4, exitCode, output, "malformed JSON");
    }

    [Fact]
    public async Task AnUnexpectedFailure_IsExit12_WithACorrelationId_AndItsDetailOnlyInThePrivateLog()
    {
        // A symbolic-link loop where the database should be: an I/O failure no layer classifies, so the last resort answers.
        Directory.CreateDirectory(Data);
        File.CreateSymbolicLink(Path.Combine(Data, "visage.db"), Path.Combine(Data, "visage.db"));

        var (exitCode, output) = await RunAsync("keys", "status");

        AssertRefused(12, exitCode, output, "correlation id");
        var correlation = System.Text.RegularExpressions.Regex.Match(output, "correlation id ([0-9a-f]{12})").Groups[1].Value;
        var log = Path.Combine(VisageProcess.StateDirectory(Data), "visage", "errors.log");
        Assert.Contains(correlation, await File.ReadAllTextAsync(log), StringComparison.Ordinal);
        Assert.Contains("   at ", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(log)!));
    }

    [Fact]
    public async Task SubjectsDelete_AFreeTextReasonWithANameAndBirthDate_IsRefused_TheSubjectStays_NothingEchoed()
    {
        Guid enrolled;
        await using (var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = Data }))
        {
            enrolled = (await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(1), Purposes.CheckIn, "model@1")).SubjectId;
        }

        var (exitCode, output) = await RunAsync("subjects", "delete", enrolled.ToString(), "--actor", "dr-7", "--reason", "John Smith DOB 1970-01-01 withdrew consent");

        AssertRefused(2, exitCode, output, "--reason must be one of");
        Assert.DoesNotContain("Smith", output, StringComparison.Ordinal);
        Assert.DoesNotContain("1970", output, StringComparison.Ordinal);
        await using (var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = Data }))
        {
            Assert.Single(await store.Store.GetTemplatesAsync(enrolled));
            Assert.Empty(await store.Store.GetDeletionCertificatesAsync(enrolled));
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(Data, arguments);

    private static void AssertRefused(int expectedExit, int exitCode, string output, string message)
    {
        Assert.True(exitCode == expectedExit, $"exit {exitCode}, expected {expectedExit}: {output}");
        Assert.Contains(message, CliOutput.Unwrapped(output), StringComparison.Ordinal);
        Assert.False(CliOutput.HasStackTrace(output), output);
    }
}
