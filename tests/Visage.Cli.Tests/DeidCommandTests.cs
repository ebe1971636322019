using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>visage deid photos|dicom IN OUT</c> end to end: the real de-identifiers over a few real files (copied from the
/// shared data into a temp folder at test time), one of them unreadable; then a rerun that resumes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class DeidCommandTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerReadWrite | UnixFileMode.UserExecute;
    private const string CtSmall = "debian_python3-pydicom/test_files/CT_small.dcm";
    private const string MarkVariable = "VISAGE_TEST_DEID_RUN";

    private static readonly string Data = SharedDataLocator.Find();
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-deid-cli-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Photos_BatchWithABadFile_GoesOnWritesReportsAndResumes()
    {
        var input = Stage(
            ("GPS.jpg", Path.Combine("exif", "github_exiftool_t_images", "GPS.jpg")),
            ("Jane Doe portrait.jpg", Path.Combine("faces", "deepface", "img1.jpg")),
            ("PNG.png", Path.Combine("exif", "github_exiftool_t_images", "PNG.png")),
            ("RIFF.webp", Path.Combine("exif", "github_exiftool_t_images", "RIFF.webp")));
        await File.WriteAllTextAsync(Path.Combine(input, "not-an-image.jpg"), "this is not a JPEG");
        var output = Path.Combine(root.FullName, "out");

        var first = await VisageProcess.RunAsync(root.FullName, "deid", "photos", input, output, "--workers", "2");
        var second = await VisageProcess.RunAsync(root.FullName, "deid", "photos", input, output);

        Assert.True(first.ExitCode == 11, first.Output); // incomplete: one file failed
        var released = Directory.GetFiles(output);
        Assert.Equal(4, released.Length);
        Assert.All(released, f => Assert.Matches("^[0-9a-f]{20}\\.(jpg|png|webp)$", Path.GetFileName(f)));
        Assert.DoesNotContain(released, f => f.Contains("Doe", StringComparison.OrdinalIgnoreCase) || f.Contains("GPS", StringComparison.Ordinal));
        var report = Report(output);
        Assert.Equal(5, report.GetProperty("files").GetArrayLength());
        Assert.Equal(1, CountStatus(report, "Failed"));
        Assert.True(File.Exists(Path.Combine(output + ".deid", "summary.md")));
        Assert.DoesNotContain(Directory.GetFiles(output, "*", SearchOption.AllDirectories), f => f.Contains(".partial", StringComparison.Ordinal));

        // The rerun finds every file already reported and rewrites nothing.
        Assert.True(second.ExitCode == 11, second.Output);
        Assert.Equal(released.Order(), Directory.GetFiles(output).Order());
        Assert.Equal(5, Report(output).GetProperty("lastRun").GetProperty("skipped").GetInt32());

        // The audit log: one record per file of the first run (four released, one failed), none for the rerun's skips,
        // and no file name (one names a person) in any reason.
        await using var database = Visage.Storage.ProtectedStore.OpenDatabase(new Visage.Storage.StorageOptions { DataDirectory = root.FullName });
        var records = (await new Visage.Audit.AuditQueries(database).ByTimeRangeAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), 0, 1000)).Records;
        var files = records.Where(r => r.Action == "deid.photos.file").ToList();
        Assert.Equal(4, files.Count(r => r.Outcome == "success"));
        Assert.Single(files, r => r.Outcome == "failure");
        Assert.Equal(2, records.Count(r => r.Action == "deid.photos" && r.Outcome == "started"));
        Assert.All(records, r => Assert.DoesNotContain("Doe", r.Reason ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dicom_BatchWithANonDicomFile_ReleasesTheRestWithoutTheirIdentifiers()
    {
        var input = Stage(
            ("ankle.dcm", Path.Combine("dicom", "debian_octave-dicom", "CT-MONO2-16-ankle.dcm")),
            ("scout.dcm", Path.Combine("dicom", "debian_heudiconv", "01-anat-scout", "0001.dcm")));
        await File.WriteAllTextAsync(Path.Combine(input, "notes.dcm"), "not DICOM at all");
        var output = Path.Combine(root.FullName, "out");

        var run = await VisageProcess.RunAsync(root.FullName, "deid", "dicom", input, output);

        Assert.True(run.ExitCode == 11, run.Output);
        var released = Directory.GetFiles(output);
        Assert.Equal(2, released.Length);
        foreach (var file in released)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain("phantom1-sid1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Dartmouth", text, StringComparison.Ordinal);
        }

        Assert.Equal(1, CountStatus(Report(output), "Failed"));
    }

    [Fact]
    public async Task Dicom_WorkerDiesOnAFile_ThatFileFailsAndTheBatchGoesOn()
    {
        var input = Stage(
            ("ankle.dcm", Path.Combine("dicom", "debian_octave-dicom", "CT-MONO2-16-ankle.dcm")),
            ("poison.dcm", Path.Combine("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm")),
            ("scout.dcm", Path.Combine("dicom", "debian_heudiconv", "01-anat-scout", "0001.dcm")));
        var output = Path.Combine(root.FullName, "out");
        // The worker process aborts on poison.dcm, as Debian's GDCM does on some malformed objects.
        var start = VisageProcess.StartInfo(root.FullName, "deid", "dicom", input, output, "--workers", "1", "--no-pixel-clean");
        start.Environment["VISAGE_TEST_DEID_WORKER_CRASH_ON"] = "poison.dcm";

        var run = await VisageProcess.RunAsync(start);

        Assert.True(run.ExitCode == 11, run.Output);
        Assert.Equal(2, Directory.GetFiles(output).Length);
        var files = Report(output).GetProperty("files").EnumerateArray().ToList();
        var poison = files.Single(f => f.GetProperty("input").GetString() == "poison.dcm");
        Assert.Equal("Failed", poison.GetProperty("status").GetString());
        Assert.Contains("worker process died", poison.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, files.Count(f => f.GetProperty("status").GetString() == "Deidentified"));
    }

    [Fact]
    public async Task Dicom_ParentKilledMidBatch_NoWorkerOutlivesItAndNothingPartialIsInTheRelease()
    {
        var sources = new[]
        {
            "debian_octave-dicom/CT-MONO2-16-ankle.dcm", "debian_libgdcm3.0/00191113.dcm", "debian_heudiconv/axasc35.dcm",
            "debian_dicom3tools/0051.dcm", "debian_python3-guiqwt/mr-brain.dcm", CtSmall, "debian_heudiconv/01-anat-scout/0001.dcm",
        };
        var input = Stage([.. sources.Select((s, i) => (Name: $"f{i}.dcm", Source: DicomSource(s)))]);
        var output = Path.Combine(root.FullName, "out");
        var work = Path.Combine(output + ".deid", "work");
        var mark = Guid.NewGuid().ToString("N");
        var start = VisageProcess.StartInfo(root.FullName, "deid", "dicom", input, output, "--workers", "4", "--no-pixel-clean");
        start.Environment[MarkVariable] = mark;

        // One worker hangs mid-file with half an output written, as one stuck in a native library would: nothing but
        // its batch's death ends it. The other workers sit idle or work on the rest.
        start.Environment["VISAGE_TEST_DEID_WORKER_HANG_ON"] = "f3.dcm";
        using var batch = Process.Start(start)!;
        var drained = Task.WhenAll(batch.StandardOutput.ReadToEndAsync(), batch.StandardError.ReadToEndAsync());
        try
        {
            var busy = false;
            for (var waited = Stopwatch.StartNew(); !busy && !batch.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2);)
            {
                await Task.Delay(25);
                busy = Marked(mark, except: batch.Id).Count >= 2
                    && Directory.Exists(work) && Directory.GetFiles(work).Any(f => new FileInfo(f).Length > 0);
            }

            Assert.True(busy && !batch.HasExited, "the batch was not caught mid-file: " + (batch.HasExited ? string.Concat(await drained) : "no partial output"));
            batch.Kill(entireProcessTree: false);
            await batch.WaitForExitAsync();

            // A bound for the kernel's parent-death signal to arrive, not a speed requirement.
            var left = Marked(mark, except: batch.Id);
            for (var waited = Stopwatch.StartNew(); left.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(30);)
            {
                await Task.Delay(100);
                left = Marked(mark, except: batch.Id);
            }

            Assert.True(left.Count == 0, $"{left.Count} worker(s) still running after their batch was killed");
            foreach (var entry in Directory.GetFileSystemEntries(output))
            {
                var name = Path.GetFileName(entry);
                Assert.Matches(PseudonymDicom(), name);
                var dump = await RunToolAsync("dcmdump", "-q", entry);
                Assert.True(dump.ExitCode == 0, name + " in the release folder is not a complete DICOM file: " + dump.Output);
            }

            // The half-written output stays in the private work folder (removed at the next start), never in the release.
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(work));
            Assert.Contains(Directory.GetFiles(work), f => new FileInfo(f).Length > 0);
            Assert.All(Directory.GetFiles(work), f => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(f)));
        }
        finally
        {
            // Never leave a hung worker behind, whatever the outcome.
            foreach (var pid in Marked(mark, except: -1))
            {
                try
                {
                    using var leftover = Process.GetProcessById(pid);
                    leftover.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }
    }

    [Fact]
    public async Task Dicom_KnownValuesOnTheCommandLineAndInAFile_GoneFromTheReleasedFile()
    {
        var input = Stage(("planted.dcm", DicomSource(CtSmall)));
        await PlantAsync(
            Path.Combine(input, "planted.dcm"),
            "(0008,1090)=Scanner of Jane Roe",
            "(0020,4000)=follow-up for JANE ROE",
            "(0018,0015)=ZX7788123");
        var valuesFile = Path.Combine(root.FullName, "known.txt");
        await File.WriteAllLinesAsync(valuesFile, ["", "ZX7788123"]);
        var output = Path.Combine(root.FullName, "out");

        var run = await VisageProcess.RunAsync(root.FullName, "deid", "dicom", input, output, "--known-value", "Jane Roe", "--known-values-file", valuesFile, "--no-pixel-clean", "--workers", "1");

        var released = Assert.Single(Directory.GetFiles(output));
        var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(released));
        Assert.DoesNotContain("Jane Roe", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ZX7788123", text, StringComparison.Ordinal);
        var file = Assert.Single(Report(output).GetProperty("files").EnumerateArray());
        var reasons = file.GetProperty("actions").EnumerateArray().Where(a => a.GetProperty("reason").GetString()!.Contains("given for this batch", StringComparison.Ordinal))
            .Select(a => a.GetProperty("target").GetString()).ToList();
        Assert.Contains("(0008,1090) ManufacturerModelName", reasons);
        Assert.Contains("(0018,0015) BodyPartExamined", reasons);
        Assert.Contains("(0020,4000) ImageComments", reasons);
        foreach (var evidence in Directory.GetFiles(output + ".deid", "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)).Append(null))
        {
            var content = evidence is null ? run.Output : await File.ReadAllTextAsync(evidence);
            Assert.DoesNotContain("Jane Roe", content, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ZX7788123", content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dicom_RescanFindsIdentifyingDataUnderAPermissiveUmask_QuarantinedNotReleasedAndEverythingOwnerOnly()
    {
        var input = Stage(
            ("ankle.dcm", Path.Combine("dicom", "debian_octave-dicom", "CT-MONO2-16-ankle.dcm")),
            ("kept.dcm", DicomSource(CtSmall)));
        await File.WriteAllTextAsync(Path.Combine(input, "notes.dcm"), "not DICOM at all");

        // A private attribute the operator chose to keep holds the patient's name: only the rescan can catch that.
        await PlantAsync(Path.Combine(input, "kept.dcm"), "(0009,0010)=VISAGE TEST", "(0009,1001)=CompressedSamples^CT1");
        var output = Path.Combine(root.FullName, "out");
        var start = VisageProcess.StartInfo(root.FullName, "deid", "dicom", input, output, "--keep-private-tag", "0009,VISAGE TEST,01", "--no-pixel-clean", "--workers", "2");
        var underUmask = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "umask 000 && exec \"$@\"", "sh", start.FileName }.Concat(start.ArgumentList))
        {
            underUmask.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in start.Environment)
        {
            underUmask.Environment[variable] = value;
        }

        var run = await VisageProcess.RunAsync(underUmask);

        Assert.True(run.ExitCode == 11, run.Output);
        Assert.Contains("quarantine", run.Output, StringComparison.Ordinal);
        var files = Report(output).GetProperty("files").EnumerateArray().ToList();
        var kept = files.Single(f => f.GetProperty("input").GetString() == "kept.dcm");
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("output").ValueKind);
        var quarantined = Path.Combine(output + ".deid", "quarantine", kept.GetProperty("quarantined").GetString()!);
        Assert.Contains("CompressedSamples", Encoding.Latin1.GetString(await File.ReadAllBytesAsync(quarantined)), StringComparison.Ordinal);
        var released = Assert.Single(Directory.GetFiles(output));
        Assert.Equal(files.Single(f => f.GetProperty("input").GetString() == "ankle.dcm").GetProperty("output").GetString(), Path.GetFileName(released));
        Assert.Contains("## Quarantined files (1)", await File.ReadAllTextAsync(Path.Combine(output + ".deid", "summary.md")), StringComparison.Ordinal);

        // Under umask 000 anything not made private explicitly would be 0666/0777.
        var everything = Directory.GetFileSystemEntries(output + ".deid", "*", SearchOption.AllDirectories).Append(output + ".deid").Append(output).Append(released).ToList();
        Assert.Contains(everything, e => e.EndsWith("batch.key", StringComparison.Ordinal));
        Assert.Contains(everything, e => e.EndsWith(".json", StringComparison.Ordinal));
        Assert.All(everything, e => Assert.True(
            File.GetUnixFileMode(e) == (Directory.Exists(e) ? OwnerOnlyFolder : OwnerReadWrite),
            $"{e}: {File.GetUnixFileMode(e)}"));

        // A person who checked it releases it; the summary records who.
        var name = Path.GetFileName(quarantined);
        var release = await VisageProcess.RunAsync(root.FullName, "deid", "release", output, name, "--reviewer", "qa-7");
        Assert.True(release.ExitCode == 0, release.Output);
        Assert.True(File.Exists(Path.Combine(output, name)));
        Assert.False(File.Exists(quarantined));
        Assert.Contains("| kept.dcm | " + name + " | qa-7 |", await File.ReadAllTextAsync(Path.Combine(output + ".deid", "summary.md")), StringComparison.Ordinal);
        var unknown = await VisageProcess.RunAsync(root.FullName, "deid", "release", output, name, "--reviewer", "qa-7");
        Assert.True(unknown.ExitCode == 2, unknown.Output);

        // The audit log: the batch recorded the kept file as quarantined; the release recorded the file before moving
        // it and then its success; the refused second release started and failed without touching a file.
        await using var database = Visage.Storage.ProtectedStore.OpenDatabase(new Visage.Storage.StorageOptions { DataDirectory = root.FullName });
        var records = (await new Visage.Audit.AuditQueries(database).ByTimeRangeAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), 0, 1000)).Records;
        Assert.Contains(records, r => r.Action == "deid.dicom.file" && r.Outcome == "quarantined");
        var releases = records.Where(r => r.Action.StartsWith("deid.release", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["deid.release started", "deid.release.file started", "deid.release success", "deid.release started", "deid.release failure"],
            releases.Select(r => $"{r.Action} {r.Outcome}"));
        Assert.Equal($"releasing {name}", releases[1].Reason);
        Assert.Equal("reviewer qa-7", releases[0].Reason);
    }

    /// <summary>Live (not zombie) processes whose environment has <see cref="MarkVariable"/>=<paramref name="mark"/>: the batch and every worker it started.</summary>
    private static List<int> Marked(string mark, int except)
    {
        var entry = MarkVariable + "=" + mark;
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == except)
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                if (stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X')
                {
                    continue;
                }

                if (Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(folder, "environ"))).Split('\0').Contains(entry, StringComparer.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours.
            }
        }

        return found;
    }

    // DCMTK's dcmodify, an independent writer, plants values (one call each: a private creator must exist first).
    private static async Task PlantAsync(string path, params string[] assignments)
    {
        foreach (var assignment in assignments)
        {
            var result = await RunToolAsync("dcmodify", "-nb", "-i", assignment, path);
            Assert.True(result.ExitCode == 0, "dcmodify failed: " + result.Output);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunToolAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return await VisageProcess.RunAsync(start);
    }

    [GeneratedRegex("^[0-9a-f]{20}\\.dcm$")]
    private static partial Regex PseudonymDicom();

    private static string DicomSource(string relative) => Path.Combine(["dicom", .. relative.Split('/')]);

    private string Stage(params (string Name, string Source)[] files)
    {
        var input = Directory.CreateDirectory(Path.Combine(root.FullName, "in")).FullName;
        foreach (var (name, source) in files)
        {
            File.Copy(Path.Combine(Data, source), Path.Combine(input, name));
        }

        return input;
    }

    private static JsonElement Report(string output) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(output + ".deid", "report.json"))).RootElement;

    private static int CountStatus(JsonElement report, string status) =>
        report.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("status").GetString() == status);
}
