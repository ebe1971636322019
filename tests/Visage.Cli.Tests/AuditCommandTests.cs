using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>visage audit verify</c> end to end: a real chain written to the data directory's database (and, by default, its
/// anchor file beside it: 25 records, checkpoints at 10, 20 and 25), then raw edits as a hostile administrator would
/// make them, then the real CLI.
/// </summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-audit-cli-");

    private string DatabasePath => Path.Combine(directory.FullName, "visage.db");

    private string AnchorPath => DatabasePath + ".audit-anchors";

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Verify_UntouchedChain_IntactAgainstItsAnchorFile_ThenAnEditedRecordModified()
    {
        await WriteChainAsync();

        var intact = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");
        await ExecuteAsync("UPDATE audit_records SET outcome = 'failure' WHERE sequence = 7;");
        var broken = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");

        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("intact", intact.Output, StringComparison.Ordinal);
        Assert.Matches(@"records checked\s+│ 25", intact.Output);
        Assert.Contains($"3 checkpoints in {AnchorPath}", intact.Output, StringComparison.Ordinal);
        Assert.Equal(10, broken.ExitCode);
        Assert.Contains("broken at sequence 7: Modified", broken.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DELETE FROM audit_records WHERE sequence > 15; DELETE FROM audit_checkpoints WHERE sequence > 15;", "broken at sequence 16: TruncatedAfterCheckpoint")]
    [InlineData("DELETE FROM audit_records; DELETE FROM audit_checkpoints;", "broken at sequence 1: Wiped")]
    [InlineData("DELETE FROM audit_checkpoints;", "broken at sequence 10: MissingCheckpoints")]
    [InlineData("UPDATE audit_records SET hash = 'abc';", "broken at sequence 1: Malformed (record 1: hash is not bytes)")]
    [InlineData("DROP TABLE audit_records;", "broken: TableMissing (the audit_records table does not exist)")]
    [InlineData("DROP TABLE audit_checkpoints;", "broken: TableMissing (the audit_checkpoints table does not exist)")]
    public async Task Verify_DeletedOrDamaged_BrokenWithItsKindAndNoStackTrace(string sql, string status)
    {
        await WriteChainAsync();
        await ExecuteAsync(sql);

        var result = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");

        Assert.True(result.ExitCode == 10, result.Output);
        Assert.Contains(status, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("intact", result.Output, StringComparison.Ordinal);
        Assert.False(CliOutput.HasStackTrace(result.Output), result.Output);
    }

    [Fact]
    public async Task Verify_CheckpointsAndAnchorFileDeleted_MissingCheckpointsOnlyPastTheConfiguredCadence()
    {
        await WriteChainAsync();
        File.Delete(AnchorPath);
        await ExecuteAsync("DELETE FROM audit_checkpoints;");

        var withDefaultCadence = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");
        var start = VisageProcess.StartInfo(directory.FullName, "audit", "verify");
        start.Environment["VISAGE_Audit__CheckpointEveryRecords"] = "10";
        var withWritersCadence = await VisageProcess.RunAsync(start);

        // 25 unsigned records are within the default cadence of 1,000: the database alone cannot tell (and says why).
        Assert.True(withDefaultCadence.ExitCode == 0, withDefaultCadence.Output);
        Assert.Contains($"none at {AnchorPath}: a tail deleted together with its checkpoints cannot be detected", withDefaultCadence.Output, StringComparison.Ordinal);
        Assert.Equal(10, withWritersCadence.ExitCode);
        Assert.Contains("broken at sequence 10: MissingCheckpoints", withWritersCadence.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnchorFileOfRandomBytesEmptyOrCutShort_Refused()
    {
        await WriteChainAsync();
        var random = Path.Combine(directory.FullName, "random.bin");
        await File.WriteAllBytesAsync(random, RandomNumberGenerator.GetBytes(4096));
        var empty = Path.Combine(directory.FullName, "empty.txt");
        await File.WriteAllBytesAsync(empty, []);
        var cut = Path.Combine(directory.FullName, "cut.txt");
        var lines = await File.ReadAllTextAsync(AnchorPath);
        await File.WriteAllTextAsync(cut, lines[..(lines.Length - 20)]);

        var givenRandom = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--anchors", random);
        var givenEmpty = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--anchors", empty);
        var givenCut = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--anchors", cut);
        File.Copy(random, AnchorPath, overwrite: true);
        var ownRandom = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");

        Assert.All((IEnumerable<(int ExitCode, string Output)>)[givenRandom, givenEmpty, givenCut, ownRandom], r =>
        {
            Assert.True(r.ExitCode == 10, r.Output);
            Assert.DoesNotContain("intact", r.Output, StringComparison.Ordinal);
            Assert.False(CliOutput.HasStackTrace(r.Output), r.Output);
        });
        Assert.Contains($"The checkpoint anchor file {random} is malformed: line 1", givenRandom.Output, StringComparison.Ordinal);
        Assert.Contains($"The checkpoint anchor file {empty} holds no checkpoint, but the database holds 3", givenEmpty.Output, StringComparison.Ordinal);
        Assert.Contains("line 3 is incomplete", givenCut.Output, StringComparison.Ordinal);
        Assert.Contains($"The checkpoint anchor file {AnchorPath} is malformed", ownRandom.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoCheckpointSignedYet_EmptyAnchorFileAccepted()
    {
        await WriteChainAsync(records: 0);

        var result = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");

        Assert.Equal(0, new FileInfo(AnchorPath).Length);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"0 checkpoints in {AnchorPath}", result.Output, StringComparison.Ordinal);
        Assert.Contains("intact", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PublicKeyOnly_NeedsNoKeyProvider_AndAWrongKeyFailsTheSignatures()
    {
        var publicKey = await WriteChainAsync();
        var pem = Path.Combine(directory.FullName, "signing.pem");
        await File.WriteAllTextAsync(pem, PemEncoding.WriteString("PUBLIC KEY", publicKey));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var wrongPem = Path.Combine(directory.FullName, "other.pem");
        await File.WriteAllTextAsync(wrongPem, other.ExportSubjectPublicKeyInfoPem());
        var notPem = Path.Combine(directory.FullName, "not.pem");
        await File.WriteAllBytesAsync(notPem, RandomNumberGenerator.GetBytes(100));
        // The key file is away: a verify that opened the key provider would fail, or create a new key.
        var keyFile = Path.Combine(directory.FullName, "visage.keys");
        File.Move(keyFile, keyFile + ".elsewhere");

        var intact = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--public-key", pem);
        var wrong = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--public-key", wrongPem);
        var garbage = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--public-key", notPem);

        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("intact", intact.Output, StringComparison.Ordinal);
        Assert.Contains($"the public key in {pem}", intact.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(keyFile));
        Assert.Equal(10, wrong.ExitCode);
        Assert.Contains("broken at sequence 10: BadCheckpointSignature", wrong.Output, StringComparison.Ordinal);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("not a PEM public key", garbage.Output, StringComparison.Ordinal);
        Assert.False(CliOutput.HasStackTrace(garbage.Output), garbage.Output);
    }

    [Fact]
    public async Task Disclosures_ForOneSubject_AsTableFhirAndSyslog()
    {
        var subjectA = Guid.NewGuid().ToString();
        var subjectB = Guid.NewGuid().ToString();
        await using (var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName }))
        {
            await using var chain = await AuditChain.OpenAsync(store.Database, store.Keys);
            for (var i = 0; i < 6; i++)
            {
                await chain.AppendAsync(new AuditEntry($"staff-{i}", "clerk", "identify", Purposes.CheckIn, i % 2 == 0 ? subjectA : subjectB, "success", null, null, $"corr-{i}", null));
            }
        }

        var table = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", subjectA);
        var fhir = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", subjectA, "--format", "fhir");
        var syslog = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", subjectA, "--format", "syslog");
        await ExecuteAsync("UPDATE audit_records SET hash = 'abc' WHERE sequence = 3;");
        var damaged = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", subjectA);

        // The three records about the subject, and the export's own "started" record (each export adds one more).
        Assert.Contains("4 records", table.Output, StringComparison.Ordinal);
        Assert.Contains("staff-4", table.Output, StringComparison.Ordinal);
        Assert.Contains("audit.disclosures", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("staff-1", table.Output, StringComparison.Ordinal);
        Assert.Contains("\"resourceType\": \"Bundle\"", fhir.Output, StringComparison.Ordinal);
        Assert.Equal(6, fhir.Output.Split("\"resourceType\": \"AuditEvent\"").Length - 1);
        Assert.Equal(3, syslog.Output.Split('\n').Count(l => l.StartsWith("<86>1 ", StringComparison.Ordinal) && l.Contains("identify", StringComparison.Ordinal)));
        Assert.Equal(5, syslog.Output.Split('\n').Count(l => l.Contains("audit.disclosures", StringComparison.Ordinal)));
        Assert.Equal(10, damaged.ExitCode);
        Assert.Contains("The audit record at sequence 3 is damaged (hash is not bytes)", damaged.Output, StringComparison.Ordinal);
        Assert.False(CliOutput.HasStackTrace(damaged.Output), damaged.Output);
    }


    /// <summary>Writes the chain as a host would open it (no anchor configured), and returns the signing public key.</summary>
    private async Task<byte[]> WriteChainAsync(int records = 25)
    {
        await using var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName });
        await using (var chain = await AuditChain.OpenAsync(store.Database, store.Keys, new AuditChainOptions { CheckpointEveryRecords = 10 }))
        {
            for (var i = 0; i < records; i++)
            {
                await chain.AppendAsync(new AuditEntry("staff-1", "clerk", "identify", Purposes.CheckIn, $"subject-{i}", "success", null, "model@1", $"corr-{i}", null));
            }
        }

        return store.Keys.ExportSigningPublicKey();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
