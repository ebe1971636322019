using Visage.Gallery.Scanning;

namespace Visage.Gallery.Tests.Scanning;

public sealed class SubjectTopKTests
{
    [Fact]
    public void Offer_RepeatedSubjects_KeepsEachSubjectsBestAndTheKBestSubjects()
    {
        var random = new Random(31);
        var subjects = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToArray();
        var best = new Dictionary<Guid, float>();
        var top = new SubjectTopK(5);
        for (var i = 0; i < 2000; i++)
        {
            var subject = subjects[random.Next(subjects.Length)];
            var value = (float)random.NextDouble();
            top.Offer(subject, value, i);
            best[subject] = Math.Max(best.GetValueOrDefault(subject, float.MinValue), value);
        }

        var expected = best.OrderByDescending(p => p.Value).Take(5).ToArray();
        var actual = top.ToSortedArray();
        Assert.Equal(expected.Select(p => p.Key), actual.Select(a => a.Subject));
        Assert.Equal(expected.Select(p => p.Value), actual.Select(a => a.Value));
        Assert.Equal(expected[^1].Value, top.Minimum);
    }

    [Fact]
    public void Minimum_FewerThanKSubjects_IsNegativeInfinity()
    {
        var top = new SubjectTopK(3);
        top.Offer(Guid.NewGuid(), 0.5f, 0);
        top.Offer(Guid.NewGuid(), 0.7f, 1);
        Assert.Equal(float.NegativeInfinity, top.Minimum);
    }
}
