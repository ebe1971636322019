using System.Text.Json;
using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary><c>visage eval liveness</c> with the real engine: ISO/IEC 30107-3 figures on the shared spoof set and on a site's labels.</summary>
public sealed class EvalLivenessCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-liveness-");

    public void Dispose() => root.Delete(recursive: true);

    private string Output => Path.Combine(root.FullName, "out");

    [Fact]
    public async Task EvalLiveness_SharedSet_ApcerPerSpeciesAndBpcerWithSampleSizes()
    {
        var (exitCode, output) = await RunAsync("eval", "liveness", "--out", Output);

        Assert.True(exitCode == 0, output);
        Assert.Contains("6 captures (3 bona fide, 3 attacks): no rate can be claimed", output, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "liveness.json")));
        var iso = report.RootElement.GetProperty("iso30107").EnumerateArray().ToList();
        Assert.Equal(3, iso.Count);
        Assert.Equal(["passive", "active", "passive+active"], iso.Select(f => f.GetProperty("Combination").GetString()));
        var passive = iso[0];
        Assert.Equal([("print", 2), ("screen", 1)], Apcer(passive));
        Assert.Equal(3, passive.GetProperty("Bpcer").GetProperty("Rate").GetProperty("Trials").GetInt32());
        Assert.Equal("2 presentations: no rate can be claimed", passive.GetProperty("Apcer")[0].GetProperty("Claim").GetString());

        // The active challenge is judged on attacks only: a real person's still is no head turn.
        Assert.Equal([("print", 2), ("screen", 1)], Apcer(iso[1]));
        Assert.Equal(JsonValueKind.Null, iso[1].GetProperty("Bpcer").ValueKind);
        Assert.StartsWith("not measured from still images", iso[1].GetProperty("BpcerNotMeasured").GetString(), StringComparison.Ordinal);

        // The existing figures stay: passive APCER and BPCER as plain rates, per-capture scores.
        Assert.Equal(6, report.RootElement.GetProperty("samples").GetArrayLength());
        Assert.True(report.RootElement.TryGetProperty("apcer", out _));
    }

    [Fact]
    public async Task EvalLiveness_SiteLabels_UsesTheSitesSpecies()
    {
        var shared = Path.Combine(SharedDataLocator.Find(), "spoof", "silent_face_anti_spoofing");
        var site = Directory.CreateDirectory(Path.Combine(root.FullName, "site")).FullName;
        File.Copy(Path.Combine(shared, "real", "image_T1_v2020-06.jpg"), Path.Combine(site, "kiosk-1.jpg"));
        File.Copy(Path.Combine(shared, "fake_print", "image_F1_v2020-06.jpg"), Path.Combine(site, "attack-1.jpg"));
        var labels = Path.Combine(site, "captures.csv");
        await File.WriteAllLinesAsync(labels, ["# kiosk trial", LivenessSample.SiteHeader, "kiosk-1.jpg,bona-fide", "attack-1.jpg,id-card-photo"]);

        var (exitCode, output) = await RunAsync("eval", "liveness", "--labels", labels, "--out", Output);

        Assert.True(exitCode == 0, output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "liveness.json")));
        var passive = report.RootElement.GetProperty("iso30107")[0];
        Assert.Equal([("id-card-photo", 1)], Apcer(passive));
        Assert.Equal(1, passive.GetProperty("Bpcer").GetProperty("Rate").GetProperty("Trials").GetInt32());
        Assert.Contains("2 captures (1 bona fide, 1 attack): no rate can be claimed", output, StringComparison.Ordinal);
    }

    private static List<(string, int)> Apcer(JsonElement subsystem) =>
        [.. subsystem.GetProperty("Apcer").EnumerateArray().Select(a => (a.GetProperty("Species").GetString()!, a.GetProperty("Rate").GetProperty("Trials").GetInt32()))];

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        VisageProcess.RunAsync(Path.Combine(root.FullName, "data"), arguments);
}
