using System.Globalization;
using Microsoft.Extensions.Options;

namespace Visage.Workflows.Recognition;

/// <summary>Start-up validation of the recognition section, each failure named by its setting.</summary>
internal sealed class RecognitionOptionsValidation(string section) : IValidateOptions<RecognitionOptions>
{
    public ValidateOptionsResult Validate(string? name, RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(options.CheckIn), options.CheckIn);
        Check(failures, nameof(options.RightPatient), options.RightPatient);
        Check(failures, nameof(options.StepUp), options.StepUp);
        Check(failures, nameof(options.Emergency), options.Emergency);
        Check(failures, nameof(options.Duplicate), options.Duplicate);
        if (options.EmergencyTopK is < 1 or > 50)
        {
            failures.Add($"{section}:EmergencyTopK must be from 1 to 50 (default 5).");
        }

        if (!Enum.IsDefined(options.EnrolmentTemplate))
        {
            failures.Add($"{section}:EnrolmentTemplate must be PerImage or Mean (default PerImage).");
        }

        if (options.ProbeRetention <= TimeSpan.Zero || options.ProbeRetention > TimeSpan.FromDays(30))
        {
            failures.Add($"{section}:ProbeRetention must be above zero and at most 30.00:00:00 (default 3.00:00:00, 72 hours).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Check(List<string> failures, string context, ContextThresholds? thresholds)
    {
        if (thresholds is null)
        {
            failures.Add($"{section}:{context} must have Accept and Review.");
            return;
        }

        if (thresholds.Accept is < -1 or > 1 || float.IsNaN(thresholds.Accept) || thresholds.Review is < -1 or > 1 || float.IsNaN(thresholds.Review))
        {
            failures.Add($"{section}:{context}:Accept and {section}:{context}:Review must be cosines from -1 to 1.");
        }
        else if (thresholds.Review > thresholds.Accept)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:{context}:Review must not be above {section}:{context}:Accept ({thresholds.Accept})."));
        }
    }
}
