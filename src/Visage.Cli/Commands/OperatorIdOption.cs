using System.CommandLine;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary>A required operator id (<c>--actor</c>, <c>--reviewer</c>): empty, a name or free text is refused without being echoed.</summary>
internal static class OperatorIdOption
{
    public static Option<string> Create(string name, string description)
    {
        var option = new Option<string>(name) { Description = $"{description}: {OperatorId.Rule}.", Required = true };
        option.Validators.Add(result =>
        {
            if (!OperatorId.IsValid(result.GetValueOrDefault<string>()))
            {
                result.AddError($"{name} must be {OperatorId.Rule}; what was given is not one and is not shown.");
            }
        });
        return option;
    }
}
