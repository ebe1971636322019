namespace Visage.Workflows.Recognition;

/// <summary>Parses the stable kebab-case codes the workflows' enums are stored and printed as, through each enum's own ToCode.</summary>
internal static class CodeTable
{
    public static bool TryParse<T>(string? code, Func<T, string> toCode, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(toCode(candidate), code, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
