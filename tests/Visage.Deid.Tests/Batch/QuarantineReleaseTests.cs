using Visage.Deid.Batch;
using Visage.Deid.Reports;
using Visage.Protection;

namespace Visage.Deid.Tests.Batch;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class QuarantineReleaseTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task Release_QuarantinedOutput_MovesItRecordsTheReviewerAndTheBatchIsComplete()
    {
        scratch.Write("clean.txt", "content clean");
        scratch.Write("flagged.txt", "REVIEW this one");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();
        var before = await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);
        var name = before.Files.Single(f => f.Input == "flagged.txt").Quarantined!;

        var released = QuarantineRelease.Release(DeidFolders.ForOutput(scratch.Output), name, "qa-7", Now);

        Assert.Equal(name, released.Output);
        Assert.Null(released.Quarantined);
        Assert.Equal(new DeidRelease("qa-7", Now), released.Released);
        Assert.NotEmpty(released.Findings);
        Assert.False(File.Exists(Path.Combine(folders.Quarantine, name)));
        Assert.Equal("REVIEW this one", File.ReadAllText(Path.Combine(folders.Output, name)));
        Assert.Equal(OwnerOnlyFiles.FilePermissions, File.GetUnixFileMode(Path.Combine(folders.Output, name)));
        var batch = DeidReportJson.Read<DeidBatchReport>(folders.ReportJson);
        Assert.Equal(0, batch.Totals.Quarantined);
        Assert.True(batch.Totals.Complete);
        var stored = DeidReportJson.Read<DeidFileReport>(Path.Combine(folders.FileReports, name.Split('.')[0] + ".json"));
        Assert.Equal((name, (string?)null, released.Released), (stored.Output, stored.Quarantined, stored.Released));
        var summary = File.ReadAllText(folders.SummaryMarkdown);
        Assert.Contains("## Quarantined files (0)", summary, StringComparison.Ordinal);
        Assert.Contains("## Released after review (1)", summary, StringComparison.Ordinal);
        Assert.Contains("| flagged.txt | " + name + " | qa-7 | 2026-03-04 05:06:07 |", summary, StringComparison.Ordinal);

        // A rerun takes the released file as finished and leaves it where the reviewer put it.
        var again = new CopyingDeidentifier();
        var rerun = await new DeidBatch(folders, again, key, 1).RunAsync(null, CancellationToken.None);
        Assert.Empty(again.Processed);
        Assert.True(rerun.Totals.Complete);
        Assert.Equal(2, Directory.GetFiles(folders.Output).Length);
    }

    [Theory]
    [InlineData("../batch.key", "qa-7")]
    [InlineData("0123456789abcdef0123.out", "qa-7")]
    [InlineData(null, "John Smith DOB 1970-01-01")]
    [InlineData(null, "")]
    public async Task Release_UnknownNameOrFreeTextReviewer_RefusedAndNothingMoves(string? name, string reviewer)
    {
        scratch.Write("flagged.txt", "REVIEW this one");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();
        var quarantined = (await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None)).Files.Single().Quarantined!;

        var error = Assert.Throws<DeidFolderException>(() => QuarantineRelease.Release(folders, name ?? quarantined, reviewer, Now));

        Assert.DoesNotContain("Smith", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folders.Output));
        Assert.True(File.Exists(Path.Combine(folders.Quarantine, quarantined)));
    }
}
