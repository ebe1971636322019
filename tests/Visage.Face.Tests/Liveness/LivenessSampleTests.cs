namespace Visage.Face.Tests.Liveness;

public sealed class LivenessSampleTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("visage-liveness-labels-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void Load_SharedLabels_SpeciesArePrintAndScreen()
    {
        var samples = LivenessSample.Load(TestData.Path("spoof", "silent_face_anti_spoofing", "labels.csv"));

        Assert.Equal(
            [("bona-fide", 3), ("print", 2), ("screen", 1)],
            samples.GroupBy(s => s.Species).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Load_SiteLabels_BonaFideAndAnySpeciesWithTheirLines()
    {
        var path = Write("# kiosk captures, 2026-12", "image,label", "a.jpg,bona-fide", "b.jpg,print", "c.jpg,replay", "d.jpg,Mask");

        var samples = LivenessSample.Load(path);

        Assert.Equal(["bona-fide", "print", "screen", "mask"], samples.Select(s => s.Species));
        Assert.True(samples[0].IsLive);
        Assert.Equal(6, samples[3].Line);
    }

    [Fact]
    public void Load_RowWithAMissingLabel_NamesTheLine()
    {
        var path = Write("image,label", "a.jpg,bona-fide", "b.jpg,");

        var error = Assert.Throws<EvaluationSetException>(() => LivenessSample.Load(path));

        Assert.Equal("labels.csv line 3: expected image,label with both fields filled.", error.Message);
    }

    private string Write(params string[] lines)
    {
        var path = Path.Combine(folder.FullName, "labels.csv");
        File.WriteAllLines(path, lines);
        return path;
    }
}
