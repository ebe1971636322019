using System.Globalization;

namespace Visage.Face.Tests.Evaluation;

/// <summary>Subgroup figures on synthetic scores whose right answers can be counted by hand (no engine).</summary>
public sealed class SubgroupEvaluatorTests : IDisposable
{
    private const float Threshold = 0.4f;
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("visage-subgroups-");
    private readonly SubgroupOptions options = new() { BootstrapReplicates = 200 };

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void Evaluate_FewerGenuinePairsThanTheMinimum_IsTooSmallToJudgeEvenWithoutErrors()
    {
        // 6 people x 3 images: 18 genuine pairs, none missed, none falsely matched.
        var (set, scores) = Build(people: 6, imagesEach: 3);

        var report = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Empty, Threshold, "test", options);

        Assert.Equal(18, report.Overall.GenuinePairs);
        Assert.Equal(SubgroupVerdict.TooSmallToJudge, report.Overall.Verdict);
        Assert.Contains("18 genuine pairs (< 30)", report.Overall.VerdictReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FewerPeopleThanTheMinimum_IsTooSmallToJudge()
    {
        var (set, scores) = Build(people: 4, imagesEach: 10);

        var report = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Empty, Threshold, "test", options);

        Assert.Equal(180, report.Overall.GenuinePairs);
        Assert.Equal(4, report.Overall.Identities);
        Assert.Equal(SubgroupVerdict.TooSmallToJudge, report.Overall.Verdict);
    }

    [Fact]
    public void Evaluate_LargeErrorFreeSet_MeetsTargetsAndEstimatesBothFixedFmrs()
    {
        // 20 people x 11 images: 1,100 genuine and 22,990 impostor pairs; Wilson upper bounds 0.35 % and 0.017 %.
        var (set, scores) = Build(people: 20, imagesEach: 11);

        var report = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Empty, Threshold, "test", options);

        Assert.Equal((1100, 22990, 20), (report.Overall.GenuinePairs, report.Overall.ImpostorPairs, report.Overall.Identities));
        Assert.Equal(SubgroupVerdict.MeetsTargets, report.Overall.Verdict);
        Assert.All(report.Overall.FnmrAtFixedFmr, f => Assert.True(f.Estimated && f.Fnmr == 0 && f.Upper == 0, f.Describe()));
    }

    [Theory]
    [InlineData(299, false)]
    [InlineData(300, true)]
    public void Evaluate_ImpostorPairs_FnmrAtFmr1e2OnlyFromThreeHundred(int impostors, bool estimated)
    {
        var (set, scores) = Build(people: 30, imagesEach: 2, impostorLimit: impostors);

        var report = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Empty, Threshold, "test", options);

        var at1e2 = report.Overall.FnmrAtFixedFmr.Single(f => f.TargetFmr == 1e-2);
        Assert.Equal(impostors, report.Overall.ImpostorPairs);
        Assert.Equal(estimated, at1e2.Estimated);
        Assert.False(report.Overall.FnmrAtFixedFmr.Single(f => f.TargetFmr == 1e-3).Estimated);
        Assert.Equal(estimated ? null : "not enough impostors (299 of 300)", estimated ? null : at1e2.Describe());
    }

    [Fact]
    public void Evaluate_SameSeedTwice_GivesTheSameBootstrapInterval()
    {
        // Every third person's genuine pairs score low, so the resampled people change the FNMR.
        var (set, scores) = Build(people: 12, imagesEach: 4, missedPeople: p => p % 3 == 0, impostorScore: i => (i % 97) / 300f);

        var first = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Empty, Threshold, "test", options).Overall.FnmrAtFixedFmr[0];
        var second = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Empty, Threshold, "test", options).Overall.FnmrAtFixedFmr[0];

        Assert.True(first.Estimated);
        Assert.Equal(first, second);
        Assert.InRange(first.Fnmr!.Value, first.Lower!.Value, first.Upper!.Value);
        Assert.True(first.Lower < first.Upper, first.Describe());
    }

    [Fact]
    public void Evaluate_PairsAcrossTwoSubgroups_CountInNeither()
    {
        // People 0-9 labelled female, 10-19 male; 2 images each: 10 genuine pairs per group, C(20,2) - 10 = 180 impostor pairs
        // per group, 400 impostor pairs that mix the two.
        var (set, scores) = Build(people: 20, imagesEach: 2);
        var labels = Labels(set, p => p < 10 ? "female" : "male");

        var report = SubgroupEvaluator.Evaluate(set, scores, labels, Threshold, "test", options);

        var female = report.Subgroups.Single(s => s is { Attribute: "sex", Value: "female" });
        var male = report.Subgroups.Single(s => s is { Attribute: "sex", Value: "male" });
        Assert.Equal((10, 180, 10), (female.GenuinePairs, female.ImpostorPairs, female.Identities));
        Assert.Equal((10, 180, 10), (male.GenuinePairs, male.ImpostorPairs, male.Identities));
        Assert.Equal(760, report.Overall.ImpostorPairs);
        Assert.Equal(0, report.LabelConflicts);
    }

    [Fact]
    public void Evaluate_TwoJudgeableSubgroups_RatioIsWorstOverBestFnmr()
    {
        // 10 people per group, 4 images each: 60 genuine pairs per group; group a misses one person's 6, group b two people's 12.
        var (set, scores) = Build(people: 20, imagesEach: 4, missedPeople: p => p is 0 or 10 or 11);
        var labels = Labels(set, p => p < 10 ? "a" : "b");

        var report = SubgroupEvaluator.Evaluate(set, scores, labels, Threshold, "test", options);

        var ratio = report.Ratios.Single(r => r.Attribute == "sex");
        Assert.Equal(("b", "a"), (ratio.Worst, ratio.Best));
        Assert.Equal(12.0 / 60, ratio.WorstFnmr!.Value, 12);
        Assert.Equal(2.0, ratio.Ratio!.Value, 12);
    }

    [Fact]
    public void Evaluate_GenuinePairOfTwoLabelledPeople_IsCountedAsAConflict()
    {
        var (set, scores) = Build(people: 3, imagesEach: 2);
        var path = Path.Combine(folder.FullName, "conflict.csv");
        File.WriteAllLines(path, [LabelSet.CsvHeader, "p0-0.jpg,someone,,,,,,perceived-by-annotator", "p0-1.jpg,someone-else,,,,,,perceived-by-annotator"]);

        var report = SubgroupEvaluator.Evaluate(set, scores, LabelSet.Load([path]), Threshold, "test", options);

        Assert.Equal(1, report.LabelConflicts);
    }

    /// <summary>
    /// Every within-person pair is genuine (score 0.9, or 0.1 for a "missed" person), every cross-person pair an impostor
    /// (score 0 unless given), up to <paramref name="impostorLimit"/> of them.
    /// </summary>
    private (PairSet Set, List<float> Scores) Build(int people, int imagesEach, Func<int, bool>? missedPeople = null, int impostorLimit = int.MaxValue, Func<int, float>? impostorScore = null)
    {
        var images = Enumerable.Range(0, people).SelectMany(p => Enumerable.Range(0, imagesEach).Select(i => (Person: p, Path: Image(p, i)))).ToList();
        var pairs = new List<ImagePair>();
        var scores = new List<float>();
        var impostors = 0;
        for (var x = 0; x < images.Count; x++)
        {
            for (var y = x + 1; y < images.Count; y++)
            {
                var same = images[x].Person == images[y].Person;
                if (!same && impostors >= impostorLimit)
                {
                    continue;
                }

                pairs.Add(new ImagePair(images[x].Path, images[y].Path, same));
                scores.Add(same ? (missedPeople?.Invoke(images[x].Person) == true ? 0.1f : 0.9f) : impostorScore?.Invoke(impostors) ?? 0f);
                impostors += same ? 0 : 1;
            }
        }

        return (new PairSet("synthetic", pairs), scores);
    }

    private LabelSet Labels(PairSet set, Func<int, string> sexOf)
    {
        var path = Path.Combine(folder.FullName, "labels.csv");
        var people = set.Pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal)
            .Select(image => (Image: Path.GetFileName(image), Person: int.Parse(Path.GetFileName(image)[1..].Split('-')[0], CultureInfo.InvariantCulture)));
        File.WriteAllLines(path, [LabelSet.CsvHeader, .. people.Select(p => $"{p.Image},p{p.Person},,{sexOf(p.Person)},,,,perceived-by-annotator")]);
        return LabelSet.Load([path]);
    }

    private string Image(int person, int index) => Path.Combine(folder.FullName, $"p{person}-{index}.jpg");
}
