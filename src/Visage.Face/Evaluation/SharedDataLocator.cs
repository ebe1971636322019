namespace Visage.Face;

/// <summary>Finds the shared evaluation data: <c>VISAGE_TEST_DATA</c>, else <c>shared/data</c> beside an ancestor folder.</summary>
public static class SharedDataLocator
{
    public const string EnvironmentVariable = "VISAGE_TEST_DATA";

    public static string Find()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
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

        throw new DirectoryNotFoundException(
            $"Shared data not found; set {EnvironmentVariable} to its folder (../shared/data from the repository).");
    }
}
