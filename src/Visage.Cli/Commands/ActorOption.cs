using System.CommandLine;
using Visage.Audit;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>--actor ID</c> on every command: who the audit log records as acting, by default the OS user running Visage.
/// The CLI is run on the host by someone holding its data directory and keys, so the role is <see cref="Role"/>.
/// </summary>
internal static class ActorOption
{
    public const string Role = "host-operator";

    public static Option<string?> Option { get; } = Create();

    /// <summary>The acting user; never blank: an OS user name that is not an operator id must be replaced with --actor.</summary>
    public static AuditActor Resolve(ParseResult parse)
    {
        var id = parse.GetValue(Option) ?? Environment.UserName;
        if (!OperatorId.IsValid(id))
        {
            throw new ActorRequiredException($"The OS user name is not {OperatorId.Rule}; pass --actor with one (the audit log records who acts).");
        }

        return new AuditActor(id, Role);
    }

    private static Option<string?> Create()
    {
        var option = new Option<string?>("--actor")
        {
            Description = $"Who acts, as the audit log records it (default: the OS user): {OperatorId.Rule}.",
            Recursive = true,
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !OperatorId.IsValid(result.GetValueOrDefault<string?>()))
            {
                result.AddError($"--actor must be {OperatorId.Rule}; what was given is not one and is not shown.");
            }
        });
        return option;
    }
}

/// <summary>No acting user could be named for the audit log.</summary>
internal sealed class ActorRequiredException(string message) : Exception(message);
