using System.Text.Json;

namespace Visage.Cli.Tests;

/// <summary><c>visage eval calibrate</c> with the real engine on a shared pair set.</summary>
public sealed class EvalCalibrateCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-calibrate-");

    public void Dispose() => root.Delete(recursive: true);

    private string Output => Path.Combine(root.FullName, "out");

    [Fact]
    public async Task EvalCalibrate_DeepfaceMaster_FourContextsWithSampleSizesAndTheLowerBoundCaveat()
    {
        var (exitCode, output) = await VisageProcess.RunAsync(Path.Combine(root.FullName, "data"), "eval", "calibrate", "--set", "deepface-master", "--out", Output);

        Assert.True(exitCode == 0, output);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "calibration.json")));
        var calibration = report.RootElement.GetProperty("calibration");

        // master.csv: 38 genuine and 262 impostor pairs; 262 < 3,000 (3 / 1e-3) and < 300 (3 / 1e-2): neither is certified.
        Assert.Equal((38, 262), (calibration.GetProperty("GenuinePairs").GetInt32(), calibration.GetProperty("ImpostorPairs").GetInt32()));
        var contexts = calibration.GetProperty("Contexts").EnumerateArray().ToList();
        Assert.Equal(["CheckIn", "StepUp", "Emergency", "Duplicate"], contexts.Select(c => c.GetProperty("Setting").GetString()));
        var accept = contexts[0].GetProperty("Accept");
        Assert.Equal((262, 3000, false), (accept.GetProperty("Impostors").GetInt32(), accept.GetProperty("ImpostorsNeeded").GetInt32(), accept.GetProperty("Certified").GetBoolean()));
        Assert.StartsWith("lower bound, not certified", accept.GetProperty("Caveat").GetString(), StringComparison.Ordinal);
        Assert.Equal(38, accept.GetProperty("Fnmr").GetProperty("Trials").GetInt32());
        Assert.False(contexts[1].GetProperty("HasReviewBand").GetBoolean());
        Assert.True(contexts[0].GetProperty("Review").GetProperty("Threshold").GetSingle() <= accept.GetProperty("Threshold").GetSingle());

        var identification = calibration.GetProperty("CheckInIdentification").EnumerateArray().ToList();
        Assert.Equal([10, 100, 1_000, 10_000, 100_000], identification.Select(r => r.GetProperty("GallerySize").GetInt32()));
        Assert.All(identification, r => Assert.NotEqual("MayAcceptAlone", r.GetProperty("Verdict").GetString()));

        var threshold = accept.GetProperty("Threshold").GetSingle().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"Recognition__CheckIn__Accept={threshold}", output, StringComparison.Ordinal);
        Assert.Contains("lower bound, not certified", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Output, "calibration-fpir.png")));
    }

    [Fact]
    public async Task EvalCalibrate_ReviewFmrNotAboveTarget_IsExit2()
    {
        var (exitCode, output) = await VisageProcess.RunAsync(Path.Combine(root.FullName, "data"), "eval", "calibrate", "--target-fmr", "1e-2", "--review-fmr", "1e-3", "--out", Output);

        Assert.True(exitCode == 2, output);
        Assert.Contains("--review-fmr (0.001) must be above --target-fmr (0.01)", output, StringComparison.Ordinal);
    }
}
