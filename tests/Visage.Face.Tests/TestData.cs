namespace Visage.Face.Tests;

/// <summary>Paths into the shared test data (never copied into the repository).</summary>
internal static class TestData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(Path(parts));

    private static string FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("VISAGE_TEST_DATA");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("Shared test data not found: set VISAGE_TEST_DATA (scripts/test runs from a checkout beside ../shared).");
    }
}
