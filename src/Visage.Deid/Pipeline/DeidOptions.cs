using Microsoft.Extensions.Options;

namespace Visage.Deid;

/// <summary>The <c>Deid</c> section: defaults a batch takes unless it says otherwise.</summary>
public sealed class DeidOptions
{
    public const int MaxWorkers = 256;

    /// <summary>Files de-identified in parallel (DICOM: worker processes); default the processor count.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;
}

/// <summary>Start-up validation of the Deid section, each problem naming its setting.</summary>
internal sealed class DeidOptionsValidation(string section) : IValidateOptions<DeidOptions>
{
    public ValidateOptionsResult Validate(string? name, DeidOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Workers is < 1 or > DeidOptions.MaxWorkers
            ? ValidateOptionsResult.Fail($"{section}:Workers must be a whole number from 1 to {DeidOptions.MaxWorkers} (default: the processor count).")
            : ValidateOptionsResult.Success;
    }
}
