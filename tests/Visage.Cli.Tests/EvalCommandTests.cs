using System.Text.Json;
using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary><c>visage eval pairs</c> on a site's own pair and labels files, with the real engine and shared images.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private static readonly string[] People = ["John_Salley", "John_Savage", "John_Schneider"];

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-eval-");

    public void Dispose() => root.Delete(recursive: true);

    private string Site => Path.Combine(root.FullName, "site");

    private string Output => Path.Combine(root.FullName, "out");

    [Fact]
    public async Task EvalPairs_SitePairsAndLabels_WritesSubgroupsWithSampleSizes()
    {
        var images = CopyImages(perPerson: 4);
        WritePairs(AllPairs(images));
        WriteLabels(images);

        var (exitCode, output) = await RunAsync("eval", "pairs", "--pairs", Path.Combine(Site, "pairs.csv"), "--labels", Path.Combine(Site, "labels.csv"), "--out", Output, "--bootstrap", "50");

        Assert.True(exitCode == 0, output);
        Assert.Contains("too small to judge", output, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "pairs.json")));
        var set = report.RootElement.GetProperty("sets")[0];
        Assert.Equal("file", set.GetProperty("Provenance").GetProperty("Kind").GetString());
        var subgroups = set.GetProperty("Subgroups");
        var overall = subgroups.GetProperty("Overall");
        // 3 people x 4 images: 3 x C(4,2) = 18 genuine pairs, C(12,2) - 18 = 48 impostor pairs.
        Assert.Equal((18, 48, 3), (overall.GetProperty("GenuinePairs").GetInt32(), overall.GetProperty("ImpostorPairs").GetInt32(), overall.GetProperty("Identities").GetInt32()));
        Assert.Equal("TooSmallToJudge", overall.GetProperty("Verdict").GetString());
        var dark = subgroups.GetProperty("Subgroups").EnumerateArray()
            .Single(s => s.GetProperty("Attribute").GetString() == "skin_tone_band" && s.GetProperty("Value").GetString() == "8-10");
        Assert.Equal((6, 0, 1), (dark.GetProperty("GenuinePairs").GetInt32(), dark.GetProperty("ImpostorPairs").GetInt32(), dark.GetProperty("Identities").GetInt32()));
        Assert.Equal("TooSmallToJudge", dark.GetProperty("Verdict").GetString());
        Assert.Contains("@", report.RootElement.GetProperty("model").GetString(), StringComparison.Ordinal);

        // The scores the promotion gates judge at each context's thresholds: numbers only, no image beside them.
        var pooled = report.RootElement.GetProperty("pooled");
        Assert.Equal((18, 48), (pooled.GetProperty("Genuine").GetArrayLength(), pooled.GetProperty("Impostor").GetArrayLength()));
        Assert.All(pooled.GetProperty("Genuine").EnumerateArray().Concat(pooled.GetProperty("Impostor").EnumerateArray()), s => Assert.Equal(JsonValueKind.Number, s.ValueKind));
        Assert.True(File.Exists(Path.Combine(Output, "pairs-skin_tone_band-scores.png")));

        // The readable page: the same subgroups and verdicts, the plots with text alternatives, nothing from elsewhere.
        var page = await File.ReadAllTextAsync(Path.Combine(Output, "report.html"));
        Assert.Contains("<th scope=\"row\">skin_tone_band = 8-10</th><td>6 / 0</td><td>1</td>", page, StringComparison.Ordinal);
        Assert.Contains("too small to judge", page, StringComparison.Ordinal);
        Assert.Contains("<img src=\"pairs-skin_tone_band-scores.png\" alt=\"Plot: ", page, StringComparison.Ordinal);
        Assert.Equal(System.Text.RegularExpressions.Regex.Count(page, "<img "), System.Text.RegularExpressions.Regex.Count(page, "<img src=\"[^\"]+\" alt=\"[^\"]+\""));
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EvalPairs_MalformedRow_IsExit2NamingTheLine()
    {
        var images = CopyImages(perPerson: 2);
        WritePairs([$"{images[0].Relative},{images[1].Relative},1,site", $"{images[0].Relative},{images[2].Relative},maybe,site"]);

        var (exitCode, output) = await RunAsync("eval", "pairs", "--pairs", Path.Combine(Site, "pairs.csv"), "--out", Output);

        Assert.True(exitCode == 2, output);
        Assert.Contains("pairs.csv line 3: same_identity must be 1/0 or yes/no.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalPairs_MissingImage_IsReportedByLineAndThePairLeftOut()
    {
        var images = CopyImages(perPerson: 2);
        WritePairs([.. AllPairs(images), $"{images[0].Relative},gone/absent.jpg,0,site"]);

        var (exitCode, output) = await RunAsync("eval", "pairs", "--pairs", Path.Combine(Site, "pairs.csv"), "--out", Output, "--bootstrap", "0");

        Assert.True(exitCode == 0, output);
        // 3 people x 2 images: 15 pairs on lines 2-16, the missing one on line 17; its path stays off the terminal.
        Assert.Contains("1 pairs left out, image not found: line 17 (img2)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("absent.jpg", output, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "pairs.json")));
        var set = report.RootElement.GetProperty("sets")[0];
        Assert.Equal("gone/absent.jpg", set.GetProperty("MissingImages")[0].GetProperty("PathAsWritten").GetString());
        Assert.Equal(15, set.GetProperty("Genuine").GetInt32() + set.GetProperty("Impostor").GetInt32());
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        VisageProcess.RunAsync(Path.Combine(root.FullName, "data"), arguments);

    /// <summary>Copies the first images of each person into the site folder: a site's set lives beside its pair file.</summary>
    private List<(string Person, string Relative)> CopyImages(int perPerson)
    {
        var data = SharedDataLocator.Find();
        var images = new List<(string, string)>();
        foreach (var person in People)
        {
            var folder = Directory.CreateDirectory(Path.Combine(Site, "images", person)).FullName;
            foreach (var source in Directory.GetFiles(Path.Combine(data, "faces", "dlib_johns", person), "*.jpg").Order(StringComparer.Ordinal).Take(perPerson))
            {
                File.Copy(source, Path.Combine(folder, Path.GetFileName(source)));
                images.Add((person, $"images/{person}/{Path.GetFileName(source)}"));
            }
        }

        return images;
    }

    private static List<string> AllPairs(List<(string Person, string Relative)> images) =>
        [.. images.SelectMany((a, i) => images.Skip(i + 1).Select(b => $"{a.Relative},{b.Relative},{(a.Person == b.Person ? "yes" : "no")},site"))];

    private void WritePairs(IEnumerable<string> rows) => File.WriteAllLines(Path.Combine(Site, "pairs.csv"), [PairSet.CsvHeader, .. rows]);

    private void WriteLabels(List<(string Person, string Relative)> images) =>
        File.WriteAllLines(Path.Combine(Site, "labels.csv"), [
            "# test labels",
            LabelSet.CsvHeader,
            .. images.Select(i => $"{i.Relative},{i.Person},,male,{(i.Person == "John_Salley" ? "8-10" : "1-3")},low-res-chip,,perceived-by-annotator"),
        ]);
}
