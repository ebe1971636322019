using System.Text.Json;
using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>visage deid photos|dicom IN OUT</c> end to end: the real de-identifiers over a few real files (copied from the
/// shared data into a temp folder at test time), one of them unreadable; then a rerun that resumes.
/// </summary>
public sealed class DeidCommandTests : IDisposable
{
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
