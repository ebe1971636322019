using System.Text.RegularExpressions;
using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary>
/// The README's walkthrough, command for command, on a SQLite store: a notice, approvals, a patient, consent, enrolment
/// from two photos, check-in with a third photo (accepted) and with another person's (not accepted), then withdrawal,
/// after which the same check-in is refused.
/// </summary>
public sealed partial class WalkthroughTests : IDisposable
{
    private static readonly string Photos = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-walkthrough-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Walkthrough_SamePersonAccepted_AnotherNotAccepted_RefusedAfterWithdrawal()
    {
        var notice = Path.Combine(directory.FullName, "notice-en.txt");
        await File.WriteAllTextAsync(notice, """
            Visage compares your face with the photos you enrol today, only to check you in
            and to confirm it is you before your record opens. You may say no and use the desk
            instead. You may withdraw at any time; your face data is then deleted.

            """);

        await SucceedsAsync("consent", "notice", "add", notice);
        await SucceedsAsync("purposes", "approve", "check-in", "--rationale", "DPIA-2026-014: kiosk check-in, approved by the privacy officer");
        await SucceedsAsync("purposes", "approve", "step-up", "--rationale", "DPIA-2026-014: face plus badge before a record opens");
        var added = await SucceedsAsync("subjects", "add", "--mrn", "MRN-000123", "--name", "Jane Example", "--birth-date", "1980-04-02");
        var patient = added.Trim();
        Assert.Matches(GuidLine(), patient);
        var granted = await SucceedsAsync("consent", "grant", patient, "--notice", "1", "--purposes", "check-in,step-up", "--method", "kiosk-signature");
        var enrolled = await SucceedsAsync("enrol", patient, Photo("img1.jpg"), Photo("img2.jpg"));
        var same = await SucceedsAsync("checkin", Photo("img4.jpg"), "--claimed", patient);
        var other = await SucceedsAsync("checkin", Photo("img13.jpg"), "--claimed", patient);
        var withdrawn = await SucceedsAsync("consent", "withdraw", patient);
        var after = await RunAsync("checkin", Photo("img4.jpg"), "--claimed", patient);

        Assert.Contains("purposes check-in,step-up, kiosk-signature by patient", granted, StringComparison.Ordinal);
        Assert.Contains("enrolled: 2 templates", enrolled, StringComparison.Ordinal);
        Assert.Contains("outcome: accepted", same, StringComparison.Ordinal);
        Assert.Contains("You're checked in.", same, StringComparison.Ordinal);
        Assert.DoesNotContain("outcome: accepted", other, StringComparison.Ordinal);
        Assert.Matches("outcome: (see desk|needs review)", other);
        Assert.Matches("biometric data deleted: deletion certificate [0-9a-f-]{36}", withdrawn);
        Assert.Equal(15, after.ExitCode);
        Assert.Contains("(reason: consent-withdrawn)", CliOutput.Unwrapped(after.Output), StringComparison.Ordinal);

        // No step printed the patient's details; only show does, when asked.
        foreach (var output in new[] { added, granted, enrolled, same, other, withdrawn, after.Output })
        {
            Assert.DoesNotContain("Jane", output, StringComparison.Ordinal);
            Assert.DoesNotContain("MRN-000123", output, StringComparison.Ordinal);
        }

        var shown = await SucceedsAsync("subjects", "show", patient);
        Assert.Contains("Jane Example", shown, StringComparison.Ordinal);
        Assert.Matches(@"│\s*withdrawn\s*│\s*v1\s*│\s*check-in,step-up\s*│", shown);
        Assert.Equal(patient, (await SucceedsAsync("subjects", "find", "--mrn", "MRN-000123")).Trim());
    }

    private static string Photo(string name) => Path.Combine(Photos, name);

    private async Task<string> SucceedsAsync(params string[] arguments)
    {
        var (exitCode, output) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments.Take(2))}: exit {exitCode}\n{output}");
        return output;
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex GuidLine();
}
