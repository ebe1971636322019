using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>visage enrol --manifest FILE</c> on real photos: killed with SIGKILL mid-batch it leaves no subject with part of
/// its templates, and the rerun skips the enrolled and finishes; failures are reported by manifest line and reason
/// code, never by the image's path.
/// </summary>
public sealed class EnrolCommandTests : IDisposable
{
    private static readonly string[][] Pairs =
    [
        ["img1.jpg", "img2.jpg"], ["img4.jpg", "img5.jpg"], ["img6.jpg", "img7.jpg"],
        ["img10.jpg", "img11.jpg"], ["img13.jpg", "img14.jpg"], ["img16.jpg", "img17.jpg"],
    ];

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-enrol-cli-");

    public void Dispose() => directory.Delete(recursive: true);

    private string DatabasePath => Path.Combine(directory.FullName, "visage.db");

    [Fact]
    public async Task EnrolManifest_KilledMidway_NoSubjectHoldsPartOfItsTemplates_RerunSkipsTheEnrolledAndFinishes()
    {
        const int subjects = 12;
        IReadOnlyList<Guid> ids;
        await using (var setup = new WorkflowHost(directory.FullName))
        {
            ids = await setup.ConsentedPatientsAsync(subjects);
        }

        var manifest = new StringBuilder("subject,image\n");
        for (var i = 0; i < subjects; i++)
        {
            foreach (var image in Pairs[i % Pairs.Length])
            {
                manifest.Append(CultureInfo.InvariantCulture, $"{ids[i]},photos/{image}\n");
            }
        }

        var file = await WriteManifestAsync(manifest.ToString(), Pairs.SelectMany(p => p));

        using (var batch = Process.Start(VisageProcess.StartInfo(directory.FullName, "enrol", "--manifest", file))!)
        {
            _ = batch.StandardOutput.ReadToEndAsync();
            _ = batch.StandardError.ReadToEndAsync();
            while (!batch.HasExited && (await TemplatesPerSubjectAsync()).Count == 0)
            {
                await Task.Delay(5);
            }

            batch.Kill(entireProcessTree: true);
            await batch.WaitForExitAsync();
        }

        var afterKill = await TemplatesPerSubjectAsync();
        Assert.InRange(afterKill.Count, 1, subjects - 1);
        Assert.All(afterKill.Values, count => Assert.Equal(2, count));

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "enrol", "--manifest", file);

        Assert.True(exitCode == 0, output);
        var text = CliOutput.Unwrapped(output);
        Assert.Contains($"{subjects} subjects: {subjects - afterKill.Count} enrolled, {afterKill.Count} skipped (already enrolled), 0 not enrolled", text, StringComparison.Ordinal);
        var done = await TemplatesPerSubjectAsync();
        Assert.Equal(ids.Order(), done.Keys.Order());
        Assert.All(done.Values, count => Assert.Equal(2, count));
    }

    [Fact]
    public async Task EnrolManifest_SomeLinesFail_ReportsLineAndReasonWithoutThePath_Exit2()
    {
        IReadOnlyList<Guid> ids;
        await using (var setup = new WorkflowHost(directory.FullName))
        {
            ids = await setup.ConsentedPatientsAsync(2);
        }

        var photos = Path.Combine(directory.FullName, "photos");
        Directory.CreateDirectory(photos);
        File.Copy(Path.Combine(SharedDataLocator.Find(), "faces", "singles", "no_face_IceBlockNearJoekullsarlon.jpg"), Path.Combine(photos, "Jane Roe.jpg"));
        var unknown = Guid.NewGuid();
        var file = await WriteManifestAsync(
            $"""
            {ids[0]},photos/img1.jpg
            {ids[1]},photos/Jane Roe.jpg
            MRN-4711,photos/img2.jpg
            {unknown},photos/img4.jpg
            {ids[0]},photos/img2.jpg
            """,
            ["img1.jpg", "img2.jpg", "img4.jpg"]);

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "enrol", "--manifest", file);

        Assert.True(exitCode == 2, output);
        Assert.Contains("3 subjects: 1 enrolled, 0 skipped (already enrolled), 2 not enrolled", CliOutput.Unwrapped(output), StringComparison.Ordinal);
        Assert.Matches(@"│\s*2\s*│\s*no-face\s*│", output);
        Assert.Matches(@"│\s*3\s*│\s*bad-line\s*│", output);
        Assert.Matches(@"│\s*4\s*│\s*unknown-subject\s*│", output);
        Assert.DoesNotContain("Roe", output, StringComparison.Ordinal);
        Assert.DoesNotContain("MRN-4711", output, StringComparison.Ordinal);
        Assert.Equal(2, (await TemplatesPerSubjectAsync())[ids[0]]);
    }

    private async Task<string> WriteManifestAsync(string manifest, IEnumerable<string> images)
    {
        var photos = Path.Combine(directory.FullName, "photos");
        Directory.CreateDirectory(photos);
        foreach (var image in images.Distinct(StringComparer.Ordinal))
        {
            File.Copy(Path.Combine(SharedDataLocator.Find(), "faces", "deepface", image), Path.Combine(photos, image), overwrite: true);
        }

        var file = Path.Combine(directory.FullName, "manifest.csv");
        await File.WriteAllTextAsync(file, manifest);
        return file;
    }

    /// <summary>Templates per subject as the database holds them (read-only, beside the running CLI).</summary>
    private async Task<Dictionary<Guid, long>> TemplatesPerSubjectAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT subject_id, count(*) FROM templates GROUP BY subject_id;";
        var counts = new Dictionary<Guid, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
