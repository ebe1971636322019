using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Visage.Workflows.Models;

/// <summary>
/// Start-up validation of the per-context targets (the annotated bounds are checked beside it), read from the
/// configuration itself: the binder silently drops a context whose value does not convert, and a misspelt context
/// would silently not apply — either would leave a context held to the pooled targets without anyone knowing.
/// </summary>
internal sealed class PromotionGateOptionsValidation(IConfiguration configuration, string section) : IValidateOptions<PromotionGateOptions>
{
    private static readonly string[] Targets = [nameof(ContextGateTargets.MaxFmr), nameof(ContextGateTargets.MaxFnmr)];

    public ValidateOptionsResult Validate(string? name, PromotionGateOptions options)
    {
        var failures = new List<string>();
        foreach (var context in configuration.GetSection($"{section}:{nameof(PromotionGateOptions.Contexts)}").GetChildren())
        {
            if (!ContextGates.Names.Contains(context.Key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{context.Path} is not a recognition context; use {string.Join(", ", ContextGates.Names)}.");
                continue;
            }

            foreach (var target in context.GetChildren())
            {
                if (!Targets.Contains(target.Key, StringComparer.OrdinalIgnoreCase))
                {
                    failures.Add($"{target.Path} is not a target; use {string.Join(" or ", Targets)}.");
                }
                else if (!double.TryParse(target.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 1 or double.NaN)
                {
                    failures.Add($"{target.Path} must be a rate above 0 and at most 1 (unset: {section}:{target.Key}).");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
