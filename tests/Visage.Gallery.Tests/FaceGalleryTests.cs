using Visage.Gallery.Tests.Support;

namespace Visage.Gallery.Tests;

/// <summary>Enrolment, deletion, validation, concurrency and memory, each on its own small gallery.</summary>
public sealed class FaceGalleryTests
{
    private static readonly GalleryQuery CheckIn = new(Purposes.CheckIn, TopK: 5, MinScore: 0.3f);

    [Fact]
    public void RemoveSubject_RemovedSubject_IsNeverReturnedAndItsSlotsAreZeroedAndReused()
    {
        var faces = new SyntheticFaces(seed: 1);
        using var gallery = new FaceGallery();
        var entries = Enumerate(faces, subjects: 200, templatesPerSubject: 2);
        gallery.AddRange(entries);
        var victim = entries[10].SubjectId;
        var victimTemplates = entries.Where(e => e.SubjectId == victim).ToArray();
        var victimSlots = victimTemplates.Select(e => gallery.SlotOf(e.TemplateId)!.Value).ToArray();
        var probe = faces.WithCosine(victimTemplates[0].Vector.ToArray(), 0.9);
        Assert.Equal(victim, gallery.Search(probe, CheckIn)[0].SubjectId);

        Assert.Equal(2, gallery.RemoveSubject(victim));

        Assert.DoesNotContain(gallery.Search(probe, CheckIn with { MinScore = -1, TopK = 400 }), m => m.SubjectId == victim);
        Assert.Null(gallery.Verify(probe, victim, Purposes.CheckIn));
        Assert.All(victimSlots, slot => Assert.True(gallery.IsSlotZeroed(slot)));
        Assert.Equal(398, gallery.Count);
        Assert.Equal(199, gallery.SubjectCount);
        var highWater = gallery.HighWater;
        gallery.AddRange(Enumerate(faces, subjects: 1, templatesPerSubject: 2));
        Assert.Equal(highWater, gallery.HighWater);
        Assert.Equal(0, gallery.RemoveSubject(victim));
    }

    [Fact]
    public void RemoveTemplate_OneOfTwo_SubjectStillFoundThroughTheOther()
    {
        var faces = new SyntheticFaces(seed: 2);
        using var gallery = new FaceGallery();
        var entries = Enumerate(faces, subjects: 50, templatesPerSubject: 2);
        gallery.AddRange(entries);
        var (first, second) = (entries[20], entries[21]);
        Assert.Equal(first.SubjectId, second.SubjectId);
        var probe = faces.WithCosine(first.Vector.ToArray(), 0.95);

        Assert.True(gallery.RemoveTemplate(first.TemplateId));

        Assert.False(gallery.RemoveTemplate(first.TemplateId));
        var match = gallery.Search(probe, CheckIn with { MinScore = -1 })[0];
        Assert.Equal(second.TemplateId, match.TemplateId);
        Assert.Equal(ExactScan.Verify([second], probe, second.SubjectId, Purposes.CheckIn)!.Value, gallery.Verify(probe, first.SubjectId, Purposes.CheckIn)!.Value, 0.001f);
        Assert.True(gallery.RemoveTemplate(second.TemplateId));
        Assert.Equal(49, gallery.SubjectCount);
    }

    [Fact]
    public void Search_EmptyGallery_ReturnsNothing()
    {
        using var gallery = new FaceGallery();
        Assert.Empty(gallery.Search(new SyntheticFaces(3).UnitVector(), CheckIn));
    }

    [Theory]
    [InlineData(511)]
    [InlineData(513)]
    public void Search_WrongDimension_Throws(int dimension)
    {
        using var gallery = new FaceGallery();
        var probe = new float[dimension];
        probe[0] = 1;
        var error = Assert.Throws<ArgumentException>(() => gallery.Search(probe, CheckIn));
        Assert.Contains("512", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_InvalidProbeOrQuery_ThrowsWithoutEchoingTheVector()
    {
        using var gallery = new FaceGallery();
        var faces = new SyntheticFaces(4);
        var probe = faces.UnitVector();
        var unnormalised = probe.Select(v => v * 1.7f).ToArray();
        var nan = (float[])probe.Clone();
        nan[7] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => gallery.Search(unnormalised, CheckIn));
        Assert.DoesNotContain("1.7", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => gallery.Search(nan, CheckIn));
        Assert.Throws<ArgumentException>(() => gallery.Search(probe, CheckIn with { TopK = 0 }));
        Assert.Throws<ArgumentException>(() => gallery.Search(probe, CheckIn with { MinScore = float.NaN }));
        Assert.Throws<ArgumentException>(() => gallery.Search(probe, CheckIn with { Purpose = Purposes.CheckIn | Purposes.StepUp }));
        Assert.Throws<ArgumentException>(() => gallery.Search(probe, CheckIn with { Purpose = Purposes.None }));
        Assert.Throws<ArgumentException>(() => gallery.Verify(nan, Guid.NewGuid(), Purposes.CheckIn));
    }

    [Fact]
    public void AddRange_InvalidEntry_ThrowsAndAddsNothing()
    {
        using var gallery = new FaceGallery();
        var faces = new SyntheticFaces(5);
        var valid = Enumerate(faces, subjects: 3, templatesPerSubject: 1);
        gallery.AddRange(valid);
        var fresh = Enumerate(faces, subjects: 2, templatesPerSubject: 1);

        Assert.Throws<ArgumentException>(() => gallery.AddRange([fresh[0], valid[0]]));
        Assert.Throws<ArgumentException>(() => gallery.AddRange([fresh[0], fresh[0]]));
        Assert.Throws<ArgumentException>(() => gallery.Add(fresh[0] with { Purposes = Purposes.None }));
        Assert.Throws<ArgumentException>(() => gallery.Add(fresh[0] with { Purposes = (Purposes)64 }));
        Assert.Throws<ArgumentException>(() => gallery.Add(fresh[0] with { SubjectId = Guid.Empty }));
        Assert.Throws<ArgumentException>(() => gallery.Add(fresh[0] with { Vector = new float[512] }));
        Assert.Throws<ArgumentException>(() => gallery.AddRange([fresh[1], fresh[0] with { Vector = new float[100] }]));
        Assert.Equal(3, gallery.Count);
        gallery.AddRange(fresh);
        Assert.Equal(5, gallery.Count);
    }

    [Fact]
    public async Task Search_WhileAddingAndRemoving_StaysConsistent()
    {
        var faces = new SyntheticFaces(seed: 6);
        using var gallery = new FaceGallery();
        var stable = Enumerate(faces, subjects: 2000, templatesPerSubject: 1);
        gallery.AddRange(stable);
        var probes = stable.Take(50).Select(e => (e.SubjectId, Probe: faces.WithCosine(e.Vector.ToArray(), 0.7))).ToArray();
        var churn = Enumerate(faces, subjects: 300, templatesPerSubject: 2);
        var failures = 0;
        var searches = 0;
        using var stop = new CancellationTokenSource();
        // A fixed number of churn rounds, not a time budget: on a loaded machine a timed loop may do too few to matter.
        const int Rounds = 20;
        using var searching = new CountdownEvent(2);

        void SearchUntilStopped()
        {
            var i = 0;
            var signalled = false;
            while (!stop.IsCancellationRequested)
            {
                var (subject, probe) = probes[i++ % probes.Length];
                var matches = gallery.Search(probe, CheckIn);
                if (matches.Count == 0 || matches[0].SubjectId != subject || gallery.Verify(probe, subject, Purposes.CheckIn) is null)
                {
                    Interlocked.Increment(ref failures);
                }

                Interlocked.Increment(ref searches);
                if (!signalled)
                {
                    searching.Signal();
                    signalled = true;
                }
            }
        }

        // Dedicated threads: pool threads may be busy with other test classes running in parallel.
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(SearchUntilStopped, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        searching.Wait(TimeSpan.FromMinutes(1));
        var searchesBefore = Volatile.Read(ref searches);
        for (var round = 0; round < Rounds; round++)
        {
            gallery.AddRange(churn);
            foreach (var subject in churn.Select(e => e.SubjectId).Distinct())
            {
                gallery.RemoveSubject(subject);
            }
        }

        var searchesDuring = Volatile.Read(ref searches) - searchesBefore;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, failures);
        Assert.True(searchesBefore >= 2, "both readers searched before the churn began");
        Assert.True(searchesDuring > 0, "searches ran while templates were added and removed");
        Assert.Equal(2000, gallery.Count);
    }

    [Fact]
    public void BytesPerTemplate_LargeGallery_IsAtMost1200()
    {
        // Memory does not depend on the values, so a few vectors are reused.
        var faces = new SyntheticFaces(seed: 7);
        var vectors = Enumerable.Range(0, 16).Select(_ => faces.UnitVector()).ToArray();
        using var gallery = new FaceGallery();
        gallery.AddRange(Enumerable.Range(0, 70_000).Select(i => new GalleryEntry(Guid.NewGuid(), Guid.NewGuid(), Purposes.CheckIn, vectors[i % 16])));

        Assert.InRange(gallery.BytesPerTemplate, 800, 1200);
    }

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var gallery = new FaceGallery();
        gallery.AddRange(Enumerate(new SyntheticFaces(8), subjects: 3, templatesPerSubject: 1));
        gallery.Dispose();
        gallery.Dispose();

        Assert.Throws<ObjectDisposedException>(() => gallery.Search(new SyntheticFaces(9).UnitVector(), CheckIn));
        Assert.Throws<ObjectDisposedException>(() => gallery.Count);
    }

    private static List<GalleryEntry> Enumerate(SyntheticFaces faces, int subjects, int templatesPerSubject)
    {
        var entries = new List<GalleryEntry>();
        for (var s = 0; s < subjects; s++)
        {
            var subject = Guid.NewGuid();
            var centre = faces.UnitVector();
            for (var t = 0; t < templatesPerSubject; t++)
            {
                entries.Add(new GalleryEntry(Guid.NewGuid(), subject, Purposes.CheckIn, t == 0 ? centre : faces.WithCosine(centre, 0.8)));
            }
        }

        return entries;
    }
}
