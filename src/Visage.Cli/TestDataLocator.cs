namespace Visage.Cli;

/// <summary>Finds the shared test data: <c>VISAGE_TEST_DATA</c>, else <c>shared/data</c> beside an ancestor folder.</summary>
internal static class TestDataLocator
{
    public static string Find()
    {
        var configured = Environment.GetEnvironmentVariable("VISAGE_TEST_DATA");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("Shared test data not found; set VISAGE_TEST_DATA to its folder (../shared/data from the repository).");
    }
}
