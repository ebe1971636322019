using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Visage.Cli.Tests;

/// <summary>
/// The model registry end to end through the real CLI: the default model, evaluated on the three shared sets (pooled:
/// enough impostors to bound FMR at 1 %) and its report recorded, passes the gates and is promoted; a degraded model's
/// report (the figures a noisy embedding gives: FNMR 40 %)
/// fails them and is refused (exit 15) until an approver overrides with a reason, which is recorded; rollback returns
/// to the default model. Every step is in the audit log.
/// </summary>
public sealed partial class ModelRegistryCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-model-registry-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task AGoodModelIsPromoted_ADegradedOneOnlyByOverride_AndRollbackReturns()
    {
        var output = Path.Combine(directory.FullName, "eval");
        var evaluated = await RunAsync("eval", "pairs", "--set", "deepface-master", "deepface-pivot", "dlib-johns", "--out", output);
        Assert.True(evaluated.ExitCode == 0, evaluated.Output);
        var reportPath = Path.Combine(output, "pairs.json");
        var model = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!["model"]!.GetValue<string>();
        var goodReport = await RecordAsync(reportPath);

        var degraded = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        degraded["model"] = "degraded-noise@0.0.1";
        foreach (var set in degraded["sets"]!.AsArray())
        {
            var fnmr = set!["Subgroups"]!["Overall"]!["FalseNonMatchRate"]!;
            fnmr["Errors"] = (int)(fnmr["Trials"]!.GetValue<int>() * 0.4);
        }

        var degradedPath = Path.Combine(directory.FullName, "degraded.json");
        await File.WriteAllTextAsync(degradedPath, degraded.ToJsonString());
        var degradedReport = await RecordAsync(degradedPath);

        var good = await RunAsync("models", "promote", model, "--report", goodReport);
        var wrongReport = await RunAsync("models", "promote", model, "--report", degradedReport);
        var refused = await RunAsync("models", "promote", "degraded-noise@0.0.1", "--report", degradedReport);
        var overridden = await RunAsync("models", "promote", "degraded-noise@0.0.1", "--report", degradedReport, "--override", "pilot approved by the model committee, minute 14");
        var registry = await RunAsync("models", "registry");
        var rolledBack = await RunAsync("models", "rollback");
        var after = await RunAsync("models", "registry");

        Assert.True(good.ExitCode == 0, good.Output);
        Assert.Contains($"{model} is the active model", CliOutput.Unwrapped(good.Output), StringComparison.Ordinal);
        Assert.True(wrongReport.ExitCode == 2, wrongReport.Output);
        Assert.Contains("report-of-another-model", wrongReport.Output, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == 15, refused.Output);
        Assert.Contains("model-gates-failed", refused.Output, StringComparison.Ordinal);
        Assert.Contains("fnmr", CliOutput.Unwrapped(refused.Output), StringComparison.Ordinal);
        Assert.True(overridden.ExitCode == 0, overridden.Output);
        Assert.Contains("by override", CliOutput.Unwrapped(overridden.Output), StringComparison.Ordinal);
        Assert.Contains("pilot approved by the model committee", CliOutput.Unwrapped(registry.Output), StringComparison.Ordinal);
        Assert.Contains("active model: degraded-noise@0.0.1", CliOutput.Unwrapped(registry.Output), StringComparison.Ordinal);
        Assert.True(rolledBack.ExitCode == 0, rolledBack.Output);
        Assert.Contains($"active model: {model}", CliOutput.Unwrapped(after.Output), StringComparison.Ordinal);
        var outcomes = await OutcomesAsync("model.promote");
        Assert.Equal(["started", "success", "refused", "refused", "started", "success"], outcomes);
        Assert.Equal(["started", "success"], await OutcomesAsync("model.rollback"));
    }

    private async Task<string> RecordAsync(string path)
    {
        var recorded = await RunAsync("eval", "record", path, "--kind", "pairs");
        Assert.True(recorded.ExitCode == 0, recorded.Output);
        return ReportId().Match(CliOutput.Unwrapped(recorded.Output)).Groups[1].Value;
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);

    private async Task<List<string>> OutcomesAsync(string action)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT outcome FROM audit_records WHERE action = @a ORDER BY sequence;";
        command.Parameters.AddWithValue("@a", action);
        var outcomes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            outcomes.Add(reader.GetString(0));
        }

        return outcomes;
    }

    [GeneratedRegex("report ([0-9a-f-]{36}) ")]
    private static partial Regex ReportId();
}
