using System.CommandLine;
using System.Globalization;

namespace Visage.Cli.Commands;

/// <summary>
/// A whole-number option with its allowed range: anything else (text, a number past int, one out of range) is a parse
/// error naming the range, never an overflow, and the value given is not echoed.
/// </summary>
internal static class IntegerOption
{
    public static Option<int> Create(string name, string description, int defaultValue, int min, int max)
    {
        return new Option<int>(name)
        {
            Description = $"{description} ({min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                {
                    return value;
                }

                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min:N0} to {max:N0}."));
                return defaultValue;
            },
        };
    }
}
