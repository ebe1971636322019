using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>drift report</c> over a store whose recognition scores are shaped row by row: with nothing recorded it says so
/// and exits 0; with this week's genuine scores a tenth lower it prints the tables, writes the JSON and the plot
/// (owner-only), records the alerts and exits 5; a window out of range is a parse error (exit 2).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DriftCommandTests : IDisposable
{
    private const string Model = "faceplugin-feature512@0.0.1";
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-drift-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Report_GenuineScoresLoweredByATenth_PrintsTheChecks_WritesJsonAndPlot_AndExits5()
    {
        var empty = await RunAsync("drift", "report");
        // Two hours clear of the windows' edges (they start and end on whole hours).
        var now = DateTimeOffset.UtcNow;
        await ScoresAsync(now.AddDays(-35), now.AddDays(-7).AddHours(-2), 280, 0.66, seed: 1);
        await ScoresAsync(now.AddDays(-7).AddHours(2), now.AddHours(-2), 120, 0.56, seed: 2);
        var json = Path.Combine(directory.FullName, "drift.json");
        var plot = Path.Combine(directory.FullName, "drift.png");

        var shifted = await RunAsync("drift", "report", "--json", json, "--plot", plot);

        Assert.True(empty.ExitCode == 0, empty.Output);
        Assert.Contains("no recognition decisions recorded in either window", empty.Output, StringComparison.Ordinal);
        Assert.True(shifted.ExitCode == 5, shifted.Output);
        var output = CliOutput.Unwrapped(shifted.Output);
        Assert.Contains("genuine-ks", output, StringComparison.Ordinal);
        Assert.Contains("alert", output, StringComparison.Ordinal);
        Assert.Contains("bound(s) crossed", output, StringComparison.Ordinal);
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(json)))
        {
            var group = Assert.Single(report.RootElement.GetProperty("Groups").EnumerateArray().ToList());
            Assert.Equal("check-in", group.GetProperty("Context").GetString());
            Assert.True(group.GetProperty("Alert").GetBoolean());
            Assert.Equal(120, group.GetProperty("RecentGenuine").GetProperty("Count").GetInt32());
            Assert.Equal("alert", group.GetProperty("Checks")[0].GetProperty("Verdict").GetString());
        }

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await File.ReadAllBytesAsync(plot))[..4]);
        Assert.True(new FileInfo(plot).Length > 10_000);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(plot));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(json));
        Assert.Equal(2L, await RecordsAsync("drift.alert"));
        Assert.Equal(4L, await RecordsAsync("drift.report"));
    }

    [Fact]
    public async Task Report_WeeksOutOfRange_IsAParseError()
    {
        var refused = await RunAsync("drift", "report", "--weeks", "0");

        Assert.True(refused.ExitCode == 2, refused.Output);
        Assert.Contains("--weeks must be a whole number from 1 to 52", refused.Output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);

    /// <summary><paramref name="count"/> accepted check-ins spread evenly over [from, to), genuine scores drawn from N(mean, 0.08).</summary>
    private async Task ScoresAsync(DateTimeOffset from, DateTimeOffset to, int count, double mean, int seed)
    {
        var random = new Random(seed);
        await using var connection = await DatabaseAsync();
        for (var i = 0; i < count; i++)
        {
            var at = (from + ((i + 0.5) * (to - from) / count)).ToUnixTimeMilliseconds();
            var score = mean + (0.08 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO recognition_scores (hour_ms, context, model_version, score, outcome) VALUES ($hour, 'check-in', $model, $score, 'accepted');";
            command.Parameters.AddWithValue("$hour", at - (at % 3_600_000));
            command.Parameters.AddWithValue("$model", Model);
            command.Parameters.AddWithValue("$score", score);
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task<long> RecordsAsync(string action)
    {
        await using var connection = await DatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM audit_records WHERE action = $action";
        command.Parameters.AddWithValue("$action", action);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task<SqliteConnection> DatabaseAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
