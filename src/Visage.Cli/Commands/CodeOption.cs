using System.CommandLine;
using System.Globalization;
using Visage.Gallery;

namespace Visage.Cli.Commands;

/// <summary>
/// Options and arguments whose values are codes from a closed set, dates or purpose lists, parsed straight to the value:
/// anything else is a parse error that names what is accepted and never repeats what was typed.
/// </summary>
internal delegate bool CodeParser<T>(string? code, out T value);

internal static class CodeOption
{
    public static Option<T> Create<T>(string name, string description, IReadOnlyList<string> codes, CodeParser<T> parse, bool required, T defaultValue = default!)
    {
        var accepted = string.Join(", ", codes);
        var option = new Option<T>(name)
        {
            Description = $"{description} One of {accepted}.",
            Required = required,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 1 && parse(result.Tokens[0].Value, out var value))
                {
                    return value;
                }

                result.AddError($"{name} must be one of {accepted}; what was given is not shown.");
                return defaultValue;
            },
        };
        if (!required)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }

    public static Argument<T> Argument<T>(string name, string description, IReadOnlyList<string> codes, CodeParser<T> parse)
    {
        var accepted = string.Join(", ", codes);
        return new Argument<T>(name)
        {
            Description = $"{description} One of {accepted}.",
            CustomParser = result =>
            {
                if (result.Tokens.Count == 1 && parse(result.Tokens[0].Value, out var value))
                {
                    return value;
                }

                result.AddError($"{name} must be one of {accepted}; what was given is not shown.");
                return default!;
            },
        };
    }

    /// <summary>A calendar date as yyyy-MM-dd (a birth date, an expiry).</summary>
    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        Description = $"{description} (yyyy-MM-dd).",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 1 && DateOnly.TryParseExact(result.Tokens[0].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            result.AddError($"{name} must be a date as yyyy-MM-dd; what was given is not shown.");
            return null;
        },
    };

    /// <summary>One or more recognition purposes, comma-separated (check-in,step-up).</summary>
    public static Option<Purposes> Purposes(string name, string description)
    {
        var codes = string.Join(", ", PurposeCodes.Recognition.Select(p => p.ToCode()));
        return new Option<Purposes>(name)
        {
            Description = $"{description}: comma-separated, from {codes}.",
            Required = true,
            CustomParser = result =>
            {
                var all = Gallery.Purposes.None;
                foreach (var part in result.Tokens.Count == 1 ? result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries) : [])
                {
                    if (!PurposeCodes.TryParse(part, out var purpose) || !PurposeCodes.IsOneRecognitionPurpose(purpose))
                    {
                        result.AddError($"{name} takes comma-separated purposes from {codes}; what was given is not shown.");
                        return Gallery.Purposes.None;
                    }

                    all |= purpose;
                }

                if (all == Gallery.Purposes.None)
                {
                    result.AddError($"{name} names at least one purpose from {codes}.");
                }

                return all;
            },
        };
    }
}
