using Visage.Face;

namespace Visage.Deid.Tests;

/// <summary>Paths into the shared test data (never copied into the repository).</summary>
internal static class TestData
{
    private static readonly Lazy<string> RootPath = new(SharedDataLocator.Find);

    public static string Root => RootPath.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
