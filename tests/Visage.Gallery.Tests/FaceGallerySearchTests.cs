using Visage.Gallery.Scanning;
using Visage.Gallery.Tests.Support;

namespace Visage.Gallery.Tests;

/// <summary>Search and verification against the float32 reference on the shared 20k-template scenario.</summary>
public sealed class FaceGallerySearchTests(GalleryScenario scenario) : IClassFixture<GalleryScenario>
{
    private static readonly GalleryQuery CheckIn = new(Purposes.CheckIn, TopK: 1000, MinScore: GalleryScenario.Threshold);

    [Fact]
    public void Search_GenuineAndImpostorProbes_ReturnsEveryExactMatchWithScoreWithinTolerance()
    {
        var failures = new List<string>();
        var nearThreshold = 0;
        for (var p = 0; p < scenario.Probes.Count; p++)
        {
            var probe = scenario.Probes[p];
            var actual = scenario.Gallery.Search(probe, CheckIn);
            ExactComparison.Threshold(failures, p, actual, scenario.Expected[p], CheckIn, s => Exact(s, probe, Purposes.CheckIn));
            nearThreshold += scenario.Expected[p].Count(m => m.Score < GalleryScenario.Threshold + 0.01f);
        }

        Assert.Empty(failures);
        // The planted boundary entries are really there, so the test exercises the threshold.
        Assert.True(nearThreshold > 100, $"only {nearThreshold} exact matches within 0.01 above the threshold");
        Assert.True(scenario.Expected.Take(GalleryScenario.Genuine).Count(e => e.Length > 0) > 400);
    }

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Avx2")]
    public void Search_SlowerKernel_ReturnsTheSameMatchesAsTheBestKernel(string kernelName)
    {
        var kernel = Enum.Parse<CoarseKernel>(kernelName);
        if (!CoarseScanner.IsSupported(kernel) || kernel == CoarseScanner.Best)
        {
            return;
        }

        using var slower = new FaceGallery { Kernel = kernel };
        slower.AddRange(scenario.Entries);
        var stride = kernel == CoarseKernel.Scalar ? 20 : 4;
        foreach (var query in new[] { CheckIn, CheckIn with { TopK = 5, MinScore = -1 } })
        {
            for (var p = 0; p < scenario.Probes.Count; p += stride)
            {
                Assert.Equal(scenario.Gallery.Search(scenario.Probes[p], query), slower.Search(scenario.Probes[p], query));
            }
        }
    }

    [Fact]
    public void Search_NoThreshold_TopKEqualsExactTopK()
    {
        var query = new GalleryQuery(Purposes.CheckIn, TopK: 10, MinScore: -1);
        var failures = new List<string>();
        for (var p = 0; p < scenario.Probes.Count; p += 8)
        {
            var probe = scenario.Probes[p];
            var actual = scenario.Gallery.Search(probe, query);
            var expected = ExactScan.Search(scenario.Entries, probe, query);
            Assert.Equal(10, actual.Count);
            for (var i = 0; i < actual.Count; i++)
            {
                // Rank by rank the scores agree, and each returned subject really scores what is reported:
                // the order can differ from the reference only between subjects closer than the tolerance.
                var exact = Exact(actual[i].SubjectId, probe, Purposes.CheckIn);
                if (Math.Abs(actual[i].Score - expected[i].Score) > ExactComparison.Tolerance || Math.Abs(exact - actual[i].Score) > ExactComparison.Tolerance)
                {
                    failures.Add($"probe {p} rank {i}: {actual[i].Score:F5} (exact {exact:F5}) vs reference {expected[i].Score:F5}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Search_PurposeWithoutConsent_ExcludesThoseTemplates()
    {
        var query = CheckIn with { Purpose = Purposes.EmergencyIdentification };
        var failures = new List<string>();
        var excluded = 0;
        for (var p = 0; p < GalleryScenario.Genuine; p += 2)
        {
            var probe = scenario.Probes[p];
            var actual = scenario.Gallery.Search(probe, query);
            var expected = ExactScan.Search(scenario.Entries, probe, query);
            ExactComparison.Threshold(failures, p, actual, expected, query, s => Exact(s, probe, query.Purpose));
            Assert.All(actual, m => Assert.True(scenario.BySubject[m.SubjectId].Single(e => e.TemplateId == m.TemplateId).Purposes.HasFlag(Purposes.EmergencyIdentification)));
            excluded += scenario.Expected[p].Length - expected.Length;
        }

        Assert.Empty(failures);
        Assert.True(excluded > 50, "the purpose filter was not exercised");
    }

    [Fact]
    public void Search_SmallSubjectSubset_ReturnsOnlyThoseSubjects()
    {
        var subset = scenario.BySubject.Keys.Where((_, i) => i % 97 == 0).ToHashSet();
        AssertSubset(subset);
    }

    [Fact]
    public void Search_LargeSubjectSubset_ReturnsOnlyThoseSubjects()
    {
        // Larger than the direct-rescoring limit: goes through the scan with a membership check.
        var subset = scenario.BySubject.Keys.Where((_, i) => i % 3 == 0).ToHashSet();
        AssertSubset(subset);
    }

    [Fact]
    public void Verify_GenuineProbe_ScoresTheSubjectLikeTheExactScan()
    {
        for (var p = 0; p < 50; p++)
        {
            var probe = scenario.Probes[p];
            foreach (var match in scenario.Expected[p].Take(3))
            {
                var score = scenario.Gallery.Verify(probe, match.SubjectId, Purposes.CheckIn);
                var exact = ExactScan.Verify(scenario.Entries, probe, match.SubjectId, Purposes.CheckIn);
                Assert.NotNull(score);
                Assert.InRange(score.Value - exact!.Value, -ExactComparison.Tolerance, ExactComparison.Tolerance);
            }
        }
    }

    [Fact]
    public void Verify_SubjectWithoutTemplateForPurpose_ReturnsNull()
    {
        var subject = scenario.BySubject.First(s => s.Value.All(e => !e.Purposes.HasFlag(Purposes.Research))).Key;
        Assert.Null(scenario.Gallery.Verify(scenario.Probes[0], subject, Purposes.Research));
        Assert.NotNull(scenario.Gallery.Verify(scenario.Probes[0], subject, Purposes.CheckIn));
        Assert.Null(scenario.Gallery.Verify(scenario.Probes[0], Guid.NewGuid(), Purposes.CheckIn));
    }

    private void AssertSubset(HashSet<Guid> subset)
    {
        var failures = new List<string>();
        for (var p = 0; p < scenario.Probes.Count; p += 8)
        {
            var probe = scenario.Probes[p];
            // Make sure the subset holds real matches for some probes.
            var query = CheckIn with { MinScore = 0.1f, Subjects = subset };
            var actual = scenario.Gallery.Search(probe, query);
            var expected = ExactScan.Search(scenario.Entries, probe, query);
            Assert.All(actual, m => Assert.Contains(m.SubjectId, subset));
            ExactComparison.Threshold(failures, p, actual, expected, query, s => Exact(s, probe, Purposes.CheckIn));
        }

        Assert.Empty(failures);
    }

    private float Exact(Guid subject, float[] probe, Purposes purpose) =>
        ExactComparison.SubjectScore(scenario.BySubject, subject, probe, purpose);
}
