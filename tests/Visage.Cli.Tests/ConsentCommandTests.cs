namespace Visage.Cli.Tests;

/// <summary><c>visage consent notice add|list|show</c> end to end on a SQLite store.</summary>
public sealed class ConsentCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-consent-cli-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task NoticeAdd_ShowGivesBackTheExactText_ListShowsEachVersion()
    {
        const string text = "Visage compares your face only to check you in.\nYou may say no, and withdraw at any time — at the desk.\n";
        var file = Path.Combine(directory.FullName, "notice-en.txt");
        await File.WriteAllTextAsync(file, text);
        var spanish = Path.Combine(directory.FullName, "notice-es.txt");
        await File.WriteAllTextAsync(spanish, "Visage compara su cara solo para registrar su llegada.\n");

        var add = await RunAsync("consent", "notice", "add", file, "--actor", "po-1");
        var again = await RunAsync("consent", "notice", "add", file, "--actor", "po-1");
        var es = await RunAsync("consent", "notice", "add", spanish, "--language", "es", "--actor", "po-1");
        var show = await RunAsync("consent", "notice", "show", "1");
        var list = await RunAsync("consent", "notice", "list");
        var missing = await RunAsync("consent", "notice", "show", "7");

        Assert.True(add.ExitCode == 0, add.Output);
        Assert.Contains("notice version 1 (en)", add.Output, StringComparison.Ordinal);
        Assert.Contains("notice version 1 (en)", again.Output, StringComparison.Ordinal);
        Assert.Contains("notice version 2 (es)", es.Output, StringComparison.Ordinal);
        Assert.Equal(text, show.Output);
        Assert.Matches(@"1\s*│\s*en\s*│.*│\s*po-1\s*│\s*[0-9a-f]{64}", list.Output);
        Assert.Matches(@"2\s*│\s*es\s*│", list.Output);
        Assert.Equal(9, missing.ExitCode);
    }

    [Fact]
    public async Task NoticeAdd_AnEmptyFileOrABadLanguage_IsExit2()
    {
        var empty = Path.Combine(directory.FullName, "empty.txt");
        await File.WriteAllTextAsync(empty, "  \n");
        var text = Path.Combine(directory.FullName, "notice.txt");
        await File.WriteAllTextAsync(text, "A notice.");

        var refusedEmpty = await RunAsync("consent", "notice", "add", empty);
        var refusedLanguage = await RunAsync("consent", "notice", "add", text, "--language", "English please");

        Assert.Equal(2, refusedEmpty.ExitCode);
        Assert.Contains("A notice text is required", CliOutput.Unwrapped(refusedEmpty.Output), StringComparison.Ordinal);
        Assert.Equal(2, refusedLanguage.ExitCode);
        Assert.DoesNotContain("English please", refusedLanguage.Output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);
}
