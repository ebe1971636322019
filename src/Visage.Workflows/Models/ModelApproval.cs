using Microsoft.Extensions.Options;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Models;

/// <summary>Whether recognition may run before any model has been promoted (section <c>Models</c>).</summary>
public sealed class ModelApprovalOptions
{
    /// <summary>
    /// Refuse enrolment and recognition until a model has been promoted. Off by default so a new installation works
    /// with its default model; once any model is promoted, the engine must run the active one whatever this says.
    /// </summary>
    public bool RequireApproval { get; set; }
}

/// <summary>
/// The face engine makes templates and probes only with the model the registry approved: once a model is promoted,
/// an engine configured with any other (another embedder, or the same with other options, which change its version)
/// is refused before it embeds anything, so no template is ever made, and no decision ever taken, by a model that did
/// not pass its gates. The registry is read on each call (a few rows): a promotion or rollback made by the CLI takes
/// effect in a running server at once.
/// </summary>
public sealed class ModelApproval(ModelRegistry registry, IOptions<ModelApprovalOptions> options)
{
    /// <summary>Refuses (<see cref="RefusalCodes.ModelNotApproved"/>) unless <paramref name="engineModel"/> may be used now.</summary>
    public async Task RequireApprovedAsync(string engineModel, CancellationToken cancellationToken = default)
    {
        var active = await registry.ActiveAsync(cancellationToken);
        if (active is null)
        {
            if (options.Value.RequireApproval)
            {
                throw new WorkflowRefusedException(RefusalCodes.ModelNotApproved, RefusalKind.NotPermitted, "No embedding model has been promoted yet and Models:RequireApproval is on: promote the engine's model on its evaluation report first (visage models promote).");
            }

            return;
        }

        if (!string.Equals(active, engineModel, StringComparison.Ordinal))
        {
            throw new WorkflowRefusedException(RefusalCodes.ModelNotApproved, RefusalKind.NotPermitted, "The face engine runs a model other than the active one in the model registry: configure the engine for the active model (visage models registry names it), or promote this model on its own report.");
        }
    }
}
