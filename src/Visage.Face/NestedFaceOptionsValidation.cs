using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Visage.Face;

/// <summary>The [Range] rules of <see cref="QualityThresholds"/> and <see cref="LivenessOptions"/>, each failure named by its setting.</summary>
internal sealed class NestedFaceOptionsValidation(string section) : IValidateOptions<FaceEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, FaceEngineOptions options)
    {
        var failures = Check(options.Quality, $"{section}:Quality").Concat(Check(options.Liveness, $"{section}:Liveness")).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Check(object? nested, string path)
    {
        if (nested is null)
        {
            yield break;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(nested, new ValidationContext(nested), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames)
            {
                yield return $"{path}:{member}: {result.ErrorMessage}";
            }
        }
    }
}
