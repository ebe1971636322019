using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Visage.Workflows.ActiveLiveness;

/// <summary>Start-up validation of the active liveness section, each failure named by its setting.</summary>
internal sealed class ActiveLivenessOptionsValidation(string section) : IValidateOptions<ActiveLivenessOptions>
{
    public ValidateOptionsResult Validate(string? name, ActiveLivenessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var failures = results.SelectMany(r => r.MemberNames.Select(m => $"{section}:{m}: {r.ErrorMessage}")).ToList();
        if (options.NonceLifetime <= TimeSpan.Zero || options.NonceLifetime > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{section}:NonceLifetime must be above zero and at most 00:10:00 (default 00:00:30).");
        }

        if (options.MaxFrames < options.MinFrames)
        {
            failures.Add($"{section}:MaxFrames must be at least {section}:MinFrames.");
        }

        if (options.SameFaceThreshold is < -1 or > 1)
        {
            failures.Add($"{section}:SameFaceThreshold must be a number from -1 to 1, or unset for Face:MatchThreshold.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
