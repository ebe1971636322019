using System.CommandLine;
using System.Globalization;

namespace Visage.Cli.Commands;

/// <summary>An error-rate option (1e-3, 0.001) strictly between 0 and 1; anything else is a parse error naming the option.</summary>
internal static class RateOption
{
    public static Option<double> Create(string name, string description, double defaultValue) => new(name)
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"{description} (default {defaultValue:0.#####}; above 0, below 1)"),
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, name) ?? defaultValue,
    };

    /// <summary>An optional rate: absent means the command picks one.</summary>
    public static Option<double?> CreateOptional(string name, string description) => new(name)
    {
        Description = $"{description} (above 0, below 1)",
        CustomParser = result => Parse(result, name),
    };

    private static double? Parse(System.CommandLine.Parsing.ArgumentResult result, string name)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and < 1)
        {
            return value;
        }

        result.AddError($"{name} must be a rate above 0 and below 1, e.g. 1e-3.");
        return null;
    }
}
