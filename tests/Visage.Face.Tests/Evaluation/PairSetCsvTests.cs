namespace Visage.Face.Tests.Evaluation;

/// <summary>A site's pair and labels files in the shared form: what is accepted, and malformed lines named.</summary>
public sealed class PairSetCsvTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("visage-pairset-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void LoadCsv_YesNoAndOneZero_AreReadRelativeToTheFile()
    {
        Touch("a.jpg", "b.jpg", "sub/c.jpg");
        var path = Write("pairs.csv", "# site A, collected 2026", PairSet.CsvHeader, "a.jpg,b.jpg,yes,site-a", "a.jpg,sub/c.jpg,0,site-a", "b.jpg,sub/c.jpg,NO");

        var set = PairSet.LoadCsv(path);

        Assert.Equal([true, false, false], set.Pairs.Select(p => p.SamePerson));
        Assert.Equal(Path.Combine(folder.FullName, "sub", "c.jpg"), set.Pairs[1].PathB);
        Assert.Equal([3, 4, 5], set.Pairs.Select(p => p.Line));
        Assert.Equal("site A, collected 2026", Assert.Single(set.Provenance!.Comments));
        Assert.Equal(2, set.Provenance.PairsPerSource["site-a"]);
        Assert.Equal(64, set.Provenance.Sha256.Length);
    }

    [Theory]
    [InlineData("a.jpg,b.jpg,maybe,x", "pairs.csv line 3: same_identity must be 1/0 or yes/no.")]
    [InlineData("a.jpg,b.jpg", "pairs.csv line 3: expected 3 or 4 fields")]
    [InlineData("\"a.jpg,b.jpg,1,x", "pairs.csv line 3: a quoted field is not closed.")]
    [InlineData(",b.jpg,1,x", "pairs.csv line 3: img1 and img2 must both name an image.")]
    public void LoadCsv_MalformedRow_ThrowsNamingTheLine(string row, string expected)
    {
        Touch("a.jpg", "b.jpg");
        var path = Write("pairs.csv", PairSet.CsvHeader, "a.jpg,b.jpg,1,x", row);

        var error = Assert.Throws<EvaluationSetException>(() => PairSet.LoadCsv(path));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_WrongHeader_NamesLineOne()
    {
        var path = Write("pairs.csv", "file_x,file_y,Decision", "a.jpg,b.jpg,Yes");

        var error = Assert.Throws<EvaluationSetException>(() => PairSet.LoadCsv(path));

        Assert.StartsWith("pairs.csv line 1: expected the header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCsv_MissingImage_LeavesThePairOutAndListsIt()
    {
        Touch("a.jpg", "b.jpg");
        var path = Write("pairs.csv", PairSet.CsvHeader, "a.jpg,b.jpg,1,x", "a.jpg,gone.jpg,0,x");

        var set = PairSet.LoadCsv(path);

        Assert.Single(set.Pairs);
        Assert.Equal(new MissingImage(3, "img2", "gone.jpg"), Assert.Single(set.Missing));
    }

    [Fact]
    public void LabelSetLoad_EmptyFieldsAreUnknown_AndPathsFollowTheBase()
    {
        var path = Write("labels.csv", "# perceived by one annotator", LabelSet.CsvHeader, "img/a.jpg,p1,30-44,,4-7,,glasses,perceived-by-annotator");

        var labels = LabelSet.Load([path], imageBase: "/data/site");

        var a = labels.For("/data/site/img/a.jpg")!;
        Assert.Equal(("p1", "30-44", null, "4-7", null, "glasses"), (a.Identity, a.AgeBand, a.Sex, a.SkinToneBand, a.Capture, a.Eyewear));
        Assert.Equal(1, labels.Provenance[0].ImagesPerBasis["perceived-by-annotator"]);
    }

    [Fact]
    public void LabelSetLoad_SameImageTwice_NamesTheSecondLine()
    {
        var path = Write("labels.csv", LabelSet.CsvHeader, "a.jpg,p1,,,,,,x", "a.jpg,p2,,,,,,x");

        var error = Assert.Throws<EvaluationSetException>(() => LabelSet.Load([path]));

        Assert.StartsWith("labels.csv line 3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsUnderEval_CoverEveryImageOfTheSharedSets()
    {
        var repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var labels = LabelSet.Load(Directory.GetFiles(Path.Combine(repository, "eval", "labels"), "*.csv"), TestData.Root);
        var images = new[] { PairSet.DlibJohns, PairSet.DeepfaceMaster, PairSet.DeepfacePivot }
            .SelectMany(n => PairSet.Load(n, TestData.Root).Pairs)
            .SelectMany(p => new[] { p.PathA, p.PathB })
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.Empty(images.Where(i => labels.For(i) is null).Select(Path.GetFileName));
        Assert.All(images, i => Assert.Equal("perceived-by-annotator", labels.For(i)!.Basis));
    }

    private void Touch(params string[] names)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(folder.FullName, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, []);
        }
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
