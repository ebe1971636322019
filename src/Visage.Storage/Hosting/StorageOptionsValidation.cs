using Microsoft.Extensions.Options;

namespace Visage.Storage;

/// <summary>Start-up validation of the Storage section with the store's own messages, each naming the setting to fix.</summary>
internal sealed class StorageOptionsValidation(string section) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = options.Validate(section).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
