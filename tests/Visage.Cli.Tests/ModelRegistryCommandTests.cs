using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Visage.Cli.Tests;

/// <summary>
/// The model registry end to end through the real CLI. The default model, evaluated on the three shared sets (pooled:
/// enough impostors to bound FMR at 1 %) and its report recorded, passes every pooled and per-context gate at the
/// configured thresholds — but it is refused without a liveness report, and with the shared spoof set's (six captures:
/// too few to bound APCER or BPCER) as the honest result; with a liveness report large enough it is promoted. Step-up's
/// accept threshold set high fails step-up FNMR; a report from before reports kept scores cannot judge the contexts
/// and is refused; a degraded model's report (the scores a noisy embedding gives) fails FMR and FNMR per context and is
/// refused (exit 15) until an approver overrides with a reason, which is recorded and audited; rollback returns to the
/// default model. Every step is in the audit log.
/// </summary>
public sealed partial class ModelRegistryCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-model-registry-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task APassingModelNeedsLivenessEvidence_ADegradedOneOnlyByOverride_AndRollbackReturns()
    {
        var output = Path.Combine(directory.FullName, "eval");
        var evaluated = await RunAsync("eval", "pairs", "--set", "deepface-master", "deepface-pivot", "dlib-johns", "--out", output);
        Assert.True(evaluated.ExitCode == 0, evaluated.Output);
        var livenessEvaluated = await RunAsync("eval", "liveness", "--out", output);
        Assert.True(livenessEvaluated.ExitCode == 0, livenessEvaluated.Output);
        var reportPath = Path.Combine(output, "pairs.json");
        var model = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!["model"]!.GetValue<string>();
        var goodReport = await RecordAsync(reportPath, "pairs");
        var sharedLiveness = await RecordAsync(Path.Combine(output, "liveness.json"), "liveness");
        var largeLiveness = await RecordAsync(await WriteAsync("liveness-site.json", LargeLivenessReport()), "liveness");

        // A noisy embedding: genuine scores sink, impostor scores rise; the per-set counts are left as they were.
        var degraded = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        degraded["model"] = "degraded-noise@0.0.1";
        Shift(degraded["pooled"]!["Genuine"]!.AsArray(), -0.35f);
        Shift(degraded["pooled"]!["Impostor"]!.AsArray(), +0.15f);
        var degradedReport = await RecordAsync(await WriteAsync("degraded.json", degraded.ToJsonString()), "pairs");

        var old = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!.AsObject();
        old.Remove("pooled");
        var oldReport = await RecordAsync(await WriteAsync("old.json", old.ToJsonString()), "pairs");

        var noLiveness = await RunAsync("models", "promote", model, "--report", goodReport);
        var smallLiveness = await RunAsync("models", "promote", model, "--report", goodReport, "--liveness-report", sharedLiveness);
        var stepUpHigh = await RunAsync(WithSetting("VISAGE_Recognition__StepUp__Accept", "0.9"), "models", "promote", model, "--report", goodReport, "--liveness-report", largeLiveness);
        var notJudged = await RunAsync("models", "promote", model, "--report", oldReport, "--liveness-report", largeLiveness);
        var good = await RunAsync("models", "promote", model, "--report", goodReport, "--liveness-report", largeLiveness);
        var wrongReport = await RunAsync("models", "promote", model, "--report", degradedReport, "--liveness-report", largeLiveness);
        var refused = await RunAsync("models", "promote", "degraded-noise@0.0.1", "--report", degradedReport, "--liveness-report", largeLiveness);
        var overridden = await RunAsync("models", "promote", "degraded-noise@0.0.1", "--report", degradedReport, "--liveness-report", largeLiveness, "--override", "pilot approved by the model committee, minute 14");
        var registry = await RunAsync("models", "registry");
        var rolledBack = await RunAsync("models", "rollback");
        var after = await RunAsync("models", "registry");

        Assert.True(noLiveness.ExitCode == 15, noLiveness.Output);
        Assert.Contains("liveness liveness-report: no liveness report", CliOutput.Unwrapped(noLiveness.Output), StringComparison.Ordinal);
        Assert.True(smallLiveness.ExitCode == 15, smallLiveness.Output);
        Assert.Matches(@"liveness passive: print apcer: APCER \d/2, ", CliOutput.Unwrapped(smallLiveness.Output));
        Assert.Contains("3 presentations are too few to bound it", CliOutput.Unwrapped(smallLiveness.Output), StringComparison.Ordinal);
        Assert.True(stepUpHigh.ExitCode == 15, stepUpHigh.Output);
        Assert.Contains("all sets fnmr:StepUp: FNMR below Accept 0.900", CliOutput.Unwrapped(stepUpHigh.Output), StringComparison.Ordinal);
        Assert.DoesNotContain("fnmr:CheckIn", stepUpHigh.Output, StringComparison.Ordinal);
        Assert.True(notJudged.ExitCode == 15, notJudged.Output);
        Assert.Contains("all sets fmr:CheckIn: not judged: the report carries no scores", CliOutput.Unwrapped(notJudged.Output), StringComparison.Ordinal);

        Assert.True(good.ExitCode == 0, good.Output);
        Assert.Contains($"{model} is the active model", CliOutput.Unwrapped(good.Output), StringComparison.Ordinal);
        Assert.Matches(@"fnmr:StepUp\s*│\s*pass", good.Output);
        Assert.True(wrongReport.ExitCode == 2, wrongReport.Output);
        Assert.Contains("report-of-another-model", wrongReport.Output, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == 15, refused.Output);
        Assert.Contains("model-gates-failed", refused.Output, StringComparison.Ordinal);
        foreach (var gate in new[] { "fmr:CheckIn", "fnmr:CheckIn", "fnmr:StepUp", "fmr:Emergency" })
        {
            Assert.Contains($"all sets {gate}:", CliOutput.Unwrapped(refused.Output), StringComparison.Ordinal);
        }

        Assert.True(overridden.ExitCode == 0, overridden.Output);
        Assert.Contains("by override", CliOutput.Unwrapped(overridden.Output), StringComparison.Ordinal);
        var shown = CliOutput.Unwrapped(registry.Output);
        Assert.Contains("pilot approved by the model committee", shown, StringComparison.Ordinal);
        Assert.Contains("active model: degraded-noise@0.0.1", shown, StringComparison.Ordinal);
        Assert.Contains(largeLiveness, shown, StringComparison.Ordinal);
        Assert.Matches(@"fmr:CheckIn\s*│\s*FAIL", registry.Output);
        Assert.Matches(@"liveness-report\s*│\s*pass", registry.Output);
        Assert.True(rolledBack.ExitCode == 0, rolledBack.Output);
        Assert.Contains($"active model: {model}", CliOutput.Unwrapped(after.Output), StringComparison.Ordinal);

        var promotions = await AuditAsync("model.promote");
        Assert.Equal(["refused", "refused", "refused", "refused", "started", "success", "refused", "refused", "started", "success"], promotions.Select(r => r.Outcome));
        Assert.Contains($"liveness report {largeLiveness}", promotions[^2].Reason, StringComparison.Ordinal);
        Assert.StartsWith("promoted by override;", promotions[^1].Reason, StringComparison.Ordinal);
        Assert.Contains("fmr:CheckIn", promotions[^1].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("pilot approved", string.Concat(promotions.Select(r => r.Reason)), StringComparison.Ordinal);
        Assert.Equal(["started", "success"], (await AuditAsync("model.rollback")).Select(r => r.Outcome));
    }

    /// <summary>A site's liveness trial large enough to bound its rates: 80 prints (one accepted), 60 screen replays, 120 bona fide (one refused).</summary>
    private static string LargeLivenessReport() => """
        {"model":"faceplugin-liveness@0.0.1","labels":"site-trial.csv","iso30107":[
          {"Subsystem":"passive (site trial)","Combination":"passive",
           "Apcer":[{"Species":"print","Rate":{"Errors":1,"Trials":80},"Claim":"1 of 80"},{"Species":"screen","Rate":{"Errors":0,"Trials":60},"Claim":"0 of 60"}],
           "Bpcer":{"Species":"bona-fide","Rate":{"Errors":1,"Trials":120},"Claim":"1 of 120"},"BpcerNotMeasured":null}]}
        """;

    private static void Shift(JsonArray scores, float by)
    {
        for (var i = 0; i < scores.Count; i++)
        {
            scores[i] = scores[i]!.GetValue<float>() + by;
        }
    }

    private async Task<string> WriteAsync(string name, string body)
    {
        var path = Path.Combine(directory.FullName, name);
        await File.WriteAllTextAsync(path, body);
        return path;
    }

    private async Task<string> RecordAsync(string path, string kind)
    {
        var recorded = await RunAsync("eval", "record", path, "--kind", kind);
        Assert.True(recorded.ExitCode == 0, recorded.Output);
        return ReportId().Match(CliOutput.Unwrapped(recorded.Output)).Groups[1].Value;
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);

    private Task<(int ExitCode, string Output)> RunAsync((string Name, string Value) setting, params string[] arguments)
    {
        var start = VisageProcess.StartInfo(directory.FullName, arguments);
        start.Environment[setting.Name] = setting.Value;
        return VisageProcess.RunAsync(start);
    }

    private static (string, string) WithSetting(string name, string value) => (name, value);

    private async Task<List<(string Outcome, string Reason)>> AuditAsync(string action)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT outcome, COALESCE(reason, '') FROM audit_records WHERE action = @a ORDER BY sequence;";
        command.Parameters.AddWithValue("@a", action);
        var records = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records.Add((reader.GetString(0), reader.GetString(1)));
        }

        return records;
    }

    [GeneratedRegex("report ([0-9a-f-]{36}) ")]
    private static partial Regex ReportId();
}
