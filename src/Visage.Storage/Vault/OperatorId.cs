using System.Text.RegularExpressions;

namespace Visage.Storage;

/// <summary>
/// Who acted, as an opaque staff or service id (letters, digits, <c>. _ @ -</c>, 1 to 64): never a name or free text
/// that could hold PHI, because it is kept in signed, long-lived records.
/// </summary>
public static partial class OperatorId
{
    public const string Rule = "an operator id: 1 to 64 letters, digits or . _ @ - (no names or free text)";

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
