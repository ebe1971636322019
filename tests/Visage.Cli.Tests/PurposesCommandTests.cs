namespace Visage.Cli.Tests;

/// <summary><c>visage purposes list|approve|revoke</c> end to end on a SQLite store, with the PHI screen hosts use.</summary>
public sealed class PurposesCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-purposes-cli-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Approve_List_Revoke_TheRegistryShowsEachDecision()
    {
        var fresh = await RunAsync("purposes", "list");
        var approve = await RunAsync("purposes", "approve", "check-in", "--rationale", "privacy committee decision PC-7", "--actor", "po-1");
        var approved = await RunAsync("purposes", "list");
        var revoke = await RunAsync("purposes", "revoke", "check-in", "--rationale", "kiosk pilot ended", "--actor", "po-1");
        var revoked = await RunAsync("purposes", "list");

        Assert.True(fresh.ExitCode == 0, fresh.Output);
        Assert.Equal(5, CliOutput.Unwrapped(fresh.Output).Split("not approved").Length - 1);
        Assert.True(approve.ExitCode == 0, approve.Output);
        Assert.Contains("check-in: approved by po-1", approve.Output, StringComparison.Ordinal);
        Assert.Matches(@"check-in\s*│\s*approved\s*│\s*po-1", approved.Output);
        Assert.True(revoke.ExitCode == 0, revoke.Output);
        Assert.Matches(@"check-in\s*│\s*revoked\s*│\s*po-1", revoked.Output);
        Assert.Contains("kiosk pilot ended", revoked.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARationaleWithPatientDetails_IsExit2_NotEchoed_AndNothingIsRecorded()
    {
        var refused = await RunAsync("purposes", "approve", "check-in", "--rationale", "requested by Jane Doe DOB 1970-01-01");
        var list = await RunAsync("purposes", "list");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("looks like an identifier", CliOutput.Unwrapped(refused.Output), StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("1970", refused.Output, StringComparison.Ordinal);
        Assert.Equal(5, CliOutput.Unwrapped(list.Output).Split("not approved").Length - 1);
    }

    [Theory]
    [InlineData("marketing")]
    [InlineData("operations")]
    public async Task APurposeThatIsNotARecognitionPurpose_IsExit2_NotEchoed(string purpose)
    {
        var (exitCode, output) = await RunAsync("purposes", "approve", purpose, "--rationale", "because");

        Assert.Equal(2, exitCode);
        Assert.Contains("PURPOSE must be one of check-in, emergency-identification, step-up, research, duplicate-detection", CliOutput.Unwrapped(output), StringComparison.Ordinal);
        Assert.DoesNotContain(purpose, output.Replace("one of check-in", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);
}
