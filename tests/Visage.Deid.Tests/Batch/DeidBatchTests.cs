using System.Text.RegularExpressions;
using Visage.Deid.Batch;
using Visage.Deid.Reports;
using Visage.Protection;

namespace Visage.Deid.Tests.Batch;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DeidBatchTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task RunAsync_FailingAndThrowingFiles_BatchGoesOnAndLeavesOnlyFinishedOutputs()
    {
        scratch.Write("a.txt", "good a");
        scratch.Write("b.txt", "BAD file");
        scratch.Write("c.txt", "THROW here");
        scratch.Write("d/e.txt", "good e");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();

        var report = await new DeidBatch(folders, new CopyingDeidentifier(), key, workers: 2).RunAsync(null, CancellationToken.None);

        Assert.Equal(4, report.Totals.Files);
        Assert.Equal(2, report.Totals.Deidentified);
        Assert.Equal(2, report.Totals.Failed);
        var outputs = Directory.GetFiles(folders.Output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { Name(key, "a.txt"), Name(key, "d/e.txt") }.Order(StringComparer.Ordinal),
            outputs);
        Assert.Equal("good a", File.ReadAllText(Path.Combine(folders.Output, Name(key, "a.txt"))));
        var thrown = report.Files.Single(f => f.Input == "c.txt");
        Assert.Equal(DeidStatus.Failed, thrown.Status);
        Assert.Equal("The de-identifier threw InvalidOperationException.", thrown.Error);
        Assert.Null(thrown.Output);
        Assert.DoesNotContain(CopyingDeidentifier.SecretInMessage, File.ReadAllText(folders.ReportJson), StringComparison.Ordinal);
        Assert.DoesNotContain(CopyingDeidentifier.SecretInMessage, File.ReadAllText(folders.SummaryMarkdown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SuccessWithoutOutput_IsFailedNotReleased()
    {
        scratch.Write("a.txt", "NOOUT");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();

        var report = await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);

        var file = Assert.Single(report.Files);
        Assert.Equal(DeidStatus.Failed, file.Status);
        Assert.Equal("The de-identifier reported success but wrote no output.", file.Error);
        Assert.Empty(Directory.GetFiles(folders.Output));
    }

    [Theory]
    [InlineData("/../x")]
    [InlineData(".DOE^JANE.dcm")]
    [InlineData("dcm")]
    public async Task RunAsync_ExtensionThatIsNotPlain_FailsTheFile(string extension)
    {
        scratch.Write("a.txt", "good");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();

        var report = await new DeidBatch(folders, new CopyingDeidentifier { Extension = extension }, key, 1).RunAsync(null, CancellationToken.None);

        Assert.Equal(DeidStatus.Failed, Assert.Single(report.Files).Status);
        Assert.Empty(Directory.GetFiles(folders.Output));
        Assert.Equal(["in", "out", "out.deid"], Directory.GetFileSystemEntries(scratch.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_InputNamesCarryPhi_OutputNamesArePseudonymsOnly()
    {
        scratch.Write("Smith John 19700101/DOE^JANE_MRN1234567.dcm", "good");
        scratch.Write("Smith John 19700101/1.2.840.113619.2.55.3.604688119.dcm", "good");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();

        var report = await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);

        var names = Directory.GetFiles(folders.Output).Select(p => Path.GetFileName(p)!).ToList();
        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.Matches(PseudonymName(), n));
        foreach (var fragment in new[] { "Smith", "John", "1970", "DOE", "JANE", "1234567", "113619", "604688119", ".dcm" })
        {
            Assert.All(names, n => Assert.DoesNotContain(fragment, n, StringComparison.OrdinalIgnoreCase));
        }

        // The mapping back to inputs exists only in the secure zone.
        Assert.All(report.Files, f => Assert.Equal(Name(key, f.Input), f.Output));
        Assert.Empty(Directory.GetDirectories(folders.Output));
    }

    [Fact]
    public async Task RunAsync_CancelledMidway_NoPartialLeftAndResumeDoesOnlyTheRestWithSameNames()
    {
        for (var i = 0; i < 8; i++)
        {
            scratch.Write($"f{i}.txt", i == 4 ? "BLOCK until cancelled" : $"content {i}");
        }

        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        var keyFile = folders.DefaultKeyFile;
        using var cancel = new CancellationTokenSource();
        var first = new CopyingDeidentifier { CancelOnBlock = cancel };
        using (var key = BatchKeyFile.LoadOrCreate(keyFile))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DeidBatch(folders, first, key, 1).RunAsync(null, cancel.Token));
        }

        Assert.Equal(["f0.txt", "f1.txt", "f2.txt", "f3.txt", "f4.txt"], first.Processed.Order(StringComparer.Ordinal));
        Assert.Equal(4, Directory.GetFiles(folders.Output).Length);
        Assert.DoesNotContain(Directory.GetFiles(folders.Output), p => Path.GetFileName(p).StartsWith('.'));
        var interrupted = DeidReportJson.Read<DeidBatchReport>(folders.ReportJson);
        Assert.True(interrupted.LastRun.Cancelled);
        Assert.Equal(4, interrupted.Totals.Files);

        // A run killed outright leaves a partial in the work folder (older versions: hidden in the release folder);
        // the next start removes both.
        var stale = Path.Combine(folders.Work, "0123456789abcdef0123.partial.out");
        File.WriteAllText(stale, "half");
        var legacy = Path.Combine(folders.Output, ".0123456789abcdef0123.partial.out");
        File.WriteAllText(legacy, "half");
        var second = new CopyingDeidentifier();
        DeidBatchReport resumed;
        var seen = new List<DeidProgress>();
        using (var key = BatchKeyFile.LoadOrCreate(keyFile))
        {
            resumed = await new DeidBatch(folders, second, key, 1).RunAsync(new SyncProgress(seen.Add), CancellationToken.None);
        }

        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(legacy));
        Assert.Equal(["f4.txt", "f5.txt", "f6.txt", "f7.txt"], second.Processed.Order(StringComparer.Ordinal));
        Assert.Equal(4, resumed.LastRun.Skipped);
        Assert.Equal(4, resumed.LastRun.Processed);
        Assert.Equal(8, resumed.Totals.Deidentified);
        Assert.Equal(new DeidProgress(8, 8, 0, 4, seen[^1].FilesPerSecond), seen[^1]);
        Assert.Equal(4, seen[0].Done);

        // Same names as an uninterrupted batch with the same key.
        using (var key = BatchKeyFile.LoadOrCreate(keyFile))
        {
            var expected = Enumerable.Range(0, 8).Select(i => Name(key, $"f{i}.txt")).Order(StringComparer.Ordinal);
            Assert.Equal(expected, Directory.GetFiles(folders.Output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task RunAsync_FileARunDiedOn_FailsWithTheReasonInsteadOfLoopingUntilRetried()
    {
        scratch.Write("a.txt", "good a");
        scratch.Write("poison.txt", "good but it killed the last run");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();
        // What a run killed inside the de-identifier leaves: the started marker, no report, no output.
        Directory.CreateDirectory(folders.FileReports);
        File.WriteAllBytes(Path.Combine(folders.FileReports, key.Pseudonym("file", "poison.txt") + ".started"), []);

        var deidentifier = new CopyingDeidentifier();
        var report = await new DeidBatch(folders, deidentifier, key, 1).RunAsync(null, CancellationToken.None);

        Assert.Equal(["a.txt"], deidentifier.Processed);
        var poison = report.Files.Single(f => f.Input == "poison.txt");
        Assert.Equal(DeidStatus.Failed, poison.Status);
        Assert.Contains("previous run stopped", poison.Error, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(folders.Output));
        Assert.Empty(Directory.GetFiles(folders.FileReports, "*.started"));

        var retried = await new DeidBatch(folders, deidentifier, key, 1, retryFailed: true).RunAsync(null, CancellationToken.None);
        Assert.Equal(DeidStatus.Deidentified, retried.Files.Single(f => f.Input == "poison.txt").Status);
        Assert.Empty(Directory.GetFiles(folders.FileReports, "*.started"));
    }

    [Fact]
    public async Task RunAsync_Rerun_SkipsFinishedFilesIncludingFailedOnes_RedoesDeletedOutput()
    {
        scratch.Write("a.txt", "good a");
        scratch.Write("b.txt", "BAD b");
        scratch.Write("c.txt", "good c");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();
        await new DeidBatch(folders, new CopyingDeidentifier(), key, 2).RunAsync(null, CancellationToken.None);
        File.Delete(Path.Combine(folders.Output, Name(key, "c.txt")));

        var again = new CopyingDeidentifier();
        var report = await new DeidBatch(folders, again, key, 2).RunAsync(null, CancellationToken.None);

        Assert.Equal(["c.txt"], again.Processed);
        Assert.Equal(2, report.LastRun.Skipped);
        Assert.True(File.Exists(Path.Combine(folders.Output, Name(key, "c.txt"))));
    }

    [Fact]
    public async Task RunAsync_RetryFailed_RedoesOnlyFailedFiles()
    {
        scratch.Write("a.txt", "good a");
        var bad = scratch.Write("b.txt", "BAD b");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();
        await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);
        File.WriteAllText(bad, "fixed b");

        var again = new CopyingDeidentifier();
        var report = await new DeidBatch(folders, again, key, 1, retryFailed: true).RunAsync(null, CancellationToken.None);

        Assert.Equal(["b.txt"], again.Processed);
        Assert.Equal(0, report.Totals.Failed);
        Assert.True(report.Totals.Complete);
        Assert.Equal("fixed b", File.ReadAllText(Path.Combine(folders.Output, Name(key, "b.txt"))));
    }

    [Fact]
    public async Task RunAsync_FourWorkers_SameOutputsAndReportsAsOneWorker()
    {
        for (var i = 0; i < 40; i++)
        {
            scratch.Write($"s{i % 3}/file{i}.txt", i % 7 == 0 ? $"BAD {i}" : i % 11 == 0 ? $"REVIEW {i}" : $"content {i}");
        }

        using var key = BatchKey.Create();
        var one = DeidFolders.Resolve(scratch.Input, Path.Combine(scratch.Root, "one"));
        var four = DeidFolders.Resolve(scratch.Input, Path.Combine(scratch.Root, "four"));
        var r1 = await new DeidBatch(one, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);
        var r4 = await new DeidBatch(four, new CopyingDeidentifier(), key, 4).RunAsync(null, CancellationToken.None);

        Assert.Equal(r1.Totals, r4.Totals);
        Assert.Equal(6, r1.Totals.Failed);
        Assert.Equal(3, r1.Totals.NeedsReview);
        Assert.Equal(3, r1.Totals.Quarantined);
        Assert.Equal(DeidReportJson.Serialize(r1.Files), DeidReportJson.Serialize(r4.Files));
        var files1 = Directory.GetFiles(one.Output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var files4 = Directory.GetFiles(four.Output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(31, files1.Count);
        Assert.Equal(files1, files4);
        Assert.Equal(3, Directory.GetFiles(four.Quarantine).Length);
        Assert.All(files1, f => Assert.Equal(File.ReadAllBytes(Path.Combine(one.Output, f!)), File.ReadAllBytes(Path.Combine(four.Output, f!))));
    }

    [Fact]
    public async Task RunAsync_SecureZoneMadeEarlier_ReportsOutsideOutputReadableByOwnerOnly()
    {
        scratch.Write("a.txt", "good");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        Directory.CreateDirectory(folders.SecureZone);
        using var key = BatchKeyFile.LoadOrCreate(folders.DefaultKeyFile);

        await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);

        Assert.Equal(folders.Output + ".deid", folders.SecureZone);
        Assert.True(File.Exists(Path.Combine(folders.FileReports, key.Pseudonym("file", "a.txt") + ".json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folders.SecureZone));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folders.ReportJson));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folders.SummaryMarkdown));
        Assert.Single(Directory.GetFiles(folders.Output));
    }

    [Fact]
    public async Task RunAsync_RescanFoundSomething_OutputIsQuarantinedNeverReleased()
    {
        scratch.Write("clean.txt", "content clean");
        scratch.Write("flagged.txt", "REVIEW this one");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();

        var report = await new DeidBatch(folders, new CopyingDeidentifier(), key, 1).RunAsync(null, CancellationToken.None);

        var flagged = report.Files.Single(f => f.Input == "flagged.txt");
        Assert.Equal(DeidStatus.Deidentified, flagged.Status);
        Assert.Null(flagged.Output);
        Assert.Equal(Name(key, "flagged.txt"), flagged.Quarantined);
        Assert.Equal([Name(key, "clean.txt")], Directory.GetFiles(folders.Output).Select(Path.GetFileName));
        var held = Path.Combine(folders.Quarantine, Name(key, "flagged.txt"));
        Assert.Equal("REVIEW this one", File.ReadAllText(held));
        Assert.Equal(OwnerOnlyFiles.FilePermissions, File.GetUnixFileMode(held));
        Assert.Equal(OwnerOnlyFiles.FolderPermissions, File.GetUnixFileMode(folders.Quarantine));
        Assert.Equal(1, report.Totals.Quarantined);
        Assert.False(report.Totals.Complete);
        var summary = File.ReadAllText(folders.SummaryMarkdown);
        Assert.Contains("## Quarantined files (1)", summary, StringComparison.Ordinal);
        Assert.Contains($"| flagged.txt | {Name(key, "flagged.txt")} |", summary, StringComparison.Ordinal);

        // A rerun leaves it where it is (it is finished, just not releasable) and still does not release it.
        var again = new CopyingDeidentifier();
        var rerun = await new DeidBatch(folders, again, key, 1).RunAsync(null, CancellationToken.None);
        Assert.Empty(again.Processed);
        Assert.Equal(1, rerun.Totals.Quarantined);
        Assert.Single(Directory.GetFiles(folders.Output));
    }

    [Fact]
    public async Task RunAsync_WhileAFileIsWritten_ItIsInThePrivateWorkFolderAndNothingIsInTheRelease()
    {
        scratch.Write("a.txt", "content a");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKey.Create();
        string? seenAt = null;
        string[]? releaseWhileWriting = null;
        var deidentifier = new CopyingDeidentifier
        {
            WhileWriting = path =>
            {
                seenAt = path;
                releaseWhileWriting = Directory.GetFileSystemEntries(folders.Output);
            },
        };

        await new DeidBatch(folders, deidentifier, key, 1).RunAsync(null, CancellationToken.None);

        Assert.Equal(folders.Work, Path.GetDirectoryName(seenAt));
        Assert.Empty(releaseWhileWriting!);
        Assert.Empty(Directory.GetFiles(folders.Work));
        Assert.Equal("content a", File.ReadAllText(Path.Combine(folders.Output, Name(key, "a.txt"))));
    }

    [Fact]
    public async Task RunAsync_EverythingItLeaves_OwnerOnlyWhateverTheWriterCreated()
    {
        scratch.Write("a.txt", "content a");
        scratch.Write("b.txt", "REVIEW b");
        scratch.Write("c.txt", "BAD c");
        scratch.Write("d.txt", "good but it killed the last run");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        using var key = BatchKeyFile.LoadOrCreate(folders.DefaultKeyFile);
        Directory.CreateDirectory(folders.FileReports);
        File.WriteAllBytes(Path.Combine(folders.FileReports, key.Pseudonym("file", "d.txt") + ".started"), []);

        await new DeidBatch(folders, new CopyingDeidentifier(), key, 2).RunAsync(null, CancellationToken.None);

        var files = Directory.GetFiles(folders.SecureZone, "*", SearchOption.AllDirectories).Concat(Directory.GetFiles(folders.Output)).ToList();
        Assert.True(files.Count >= 8, string.Join(", ", files));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFiles.FilePermissions, f));
        var folderList = Directory.GetDirectories(folders.SecureZone, "*", SearchOption.AllDirectories).Append(folders.SecureZone).Append(folders.Output).ToList();
        Assert.Equal(5, folderList.Count);
        Assert.All(folderList, d => Assert.True(File.GetUnixFileMode(d) == OwnerOnlyFiles.FolderPermissions, d));
    }

    [Fact]
    public async Task RunAsync_AnotherBatchHoldsTheOutput_RefusedAndNothingTouched()
    {
        scratch.Write("a.txt", "content a");
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);
        Directory.CreateDirectory(folders.SecureZone);
        using var key = BatchKey.Create();
        var partial = Path.Combine(folders.Work, "0123456789abcdef0123.partial.out");
        Directory.CreateDirectory(folders.Work);
        File.WriteAllText(partial, "the other batch's file in progress");
        var deidentifier = new CopyingDeidentifier();

        using (new FileStream(folders.LockFile, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<DeidFolderException>(() => new DeidBatch(folders, deidentifier, key, 1).RunAsync(null, CancellationToken.None));
            Assert.Contains("Another de-identification batch", error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(deidentifier.Processed);
        Assert.True(File.Exists(partial));
    }

    private static string Name(BatchKey key, string relativePath) => key.Pseudonym("file", relativePath) + ".out";

    [GeneratedRegex("^[0-9a-f]{20}\\.out$")]
    private static partial Regex PseudonymName();

    private sealed class SyncProgress(Action<DeidProgress> report) : IProgress<DeidProgress>
    {
        public void Report(DeidProgress value) => report(value);
    }
}
