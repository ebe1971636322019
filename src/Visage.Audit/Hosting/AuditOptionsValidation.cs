using Microsoft.Extensions.Options;

namespace Visage.Audit;

/// <summary>Start-up validation of the Audit section, each problem naming its setting and what it accepts.</summary>
internal sealed class AuditOptionsValidation(string section) : IValidateOptions<AuditChainOptions>
{
    private static readonly TimeSpan LongestInterval = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, AuditChainOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private IEnumerable<string> Problems(AuditChainOptions options)
    {
        if (options.CheckpointEveryRecords < 1)
        {
            yield return $"{section}:CheckpointEveryRecords must be a whole number from 1 to {int.MaxValue} (default {AuditChainOptions.DefaultCheckpointEveryRecords}).";
        }

        if (options.MaxBatch is < 1 or > 100_000)
        {
            yield return $"{section}:MaxBatch must be a whole number from 1 to 100000 (default 4096).";
        }

        if (options.CheckpointInterval <= TimeSpan.Zero || options.CheckpointInterval > LongestInterval)
        {
            yield return $"{section}:CheckpointInterval must be a time span above zero and at most one day, e.g. 00:01:00 (the default).";
        }

        if (options.AnchorFile is { Length: > 0 } anchor && Directory.Exists(anchor))
        {
            yield return $"{section}:AnchorFile names a folder; it must be the anchor file's path (created 0600 when missing), or unset for the default beside the store.";
        }
    }
}
