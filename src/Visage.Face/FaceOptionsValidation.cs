using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Visage.Face;

/// <summary>
/// Start-up validation of the Face section, every failure named by its setting (<c>Face:Quality:MinFaceSize: …</c>): the
/// [Range] rules of <see cref="FaceEngineOptions"/> and of its nested <see cref="QualityThresholds"/> and
/// <see cref="LivenessOptions"/> (ValidateDataAnnotations would neither recurse nor name the setting), and the detector choice.
/// </summary>
internal sealed class FaceOptionsValidation(string section) : IValidateOptions<FaceEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, FaceEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options, section)
            .Concat(Check(options.Quality, $"{section}:Quality"))
            .Concat(Check(options.Liveness, $"{section}:Liveness"))
            .ToList();
        if (options.Quality is null || options.Liveness is null)
        {
            failures.Add($"{section}:Quality and {section}:Liveness must be objects.");
        }

        if (options.Detector is not (ModelIds.FacepluginDetector or ModelIds.BlazeFaceDetector))
        {
            failures.Add($"{section}:Detector must be '{ModelIds.FacepluginDetector}' or '{ModelIds.BlazeFaceDetector}'.");
        }

        if (!Enum.IsDefined(options.SecondDetectionPass))
        {
            failures.Add($"{section}:SecondDetectionPass must be one of {string.Join(", ", Enum.GetNames<SecondDetectionPass>())}.");
        }

        if (options.SecondDetectionPass == SecondDetectionPass.BlazeFace && options.Detector == ModelIds.BlazeFaceDetector)
        {
            failures.Add($"{section}:SecondDetectionPass 'BlazeFace' repeats {section}:Detector; use 'Padded' or 'None'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Check(object? options, string path)
    {
        if (options is null)
        {
            yield break;
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames)
            {
                yield return $"{path}:{member}: {result.ErrorMessage}";
            }
        }
    }
}
