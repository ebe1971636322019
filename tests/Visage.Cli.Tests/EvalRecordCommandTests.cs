using Microsoft.Data.Sqlite;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>eval record</c> keeps a report as signed evidence and <c>eval reports</c> checks it: a stored report that is edited
/// afterwards no longer verifies (exit 13); a file that is not a report is refused (exit 2) and nothing is stored.
/// </summary>
public sealed class EvalRecordCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-eval-record-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task ARecordedReport_Verifies_UntilItsStoredBodyIsEdited()
    {
        var report = Path.Combine(directory.FullName, "pairs.json");
        await File.WriteAllTextAsync(report, """{"model":"faceplugin-feature512@0.0.1","threshold":0.4,"sets":[{"Name":"dlib-johns","Genuine":265,"Impostor":265}]}""");

        var recorded = await RunAsync("eval", "record", report);
        var listed = await RunAsync("eval", "reports");
        await ExecuteAsync("UPDATE evaluation_reports SET body = replace(body, '265', '999');");
        var afterEdit = await RunAsync("eval", "reports");

        Assert.True(recorded.ExitCode == 0, recorded.Output);
        Assert.Contains("(pairs, model faceplugin-feature512@0.0.1) stored and signed", CliOutput.Unwrapped(recorded.Output), StringComparison.Ordinal);
        Assert.True(listed.ExitCode == 0, listed.Output);
        Assert.Contains("valid", listed.Output, StringComparison.Ordinal);
        Assert.Equal(13, afterEdit.ExitCode);
        Assert.Contains("INVALID", afterEdit.Output, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync("SELECT count(*) FROM audit_records WHERE action = 'eval.report.record';"));
    }

    [Fact]
    public async Task AFileThatIsNotAReport_IsRefused_AndNothingIsStored()
    {
        var notAReport = Path.Combine(directory.FullName, "notes.json");
        await File.WriteAllTextAsync(notAReport, """{"patient":"someone"}""");

        var refused = await RunAsync("eval", "record", notAReport);

        Assert.True(refused.ExitCode == 2, refused.Output);
        Assert.Contains("bad-input", refused.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM evaluation_reports;"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM audit_records WHERE action = 'eval.report.record' AND outcome = 'refused';"));
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
