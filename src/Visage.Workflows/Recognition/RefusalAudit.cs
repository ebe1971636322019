using Visage.Audit;
using Visage.Gallery;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Workflows.Recognition;

/// <summary>
/// Runs a workflow's checks; a refusal is audited (action, purpose, subject, reason code, model version) before it
/// reaches the caller, so every refused request leaves one record and nothing else.
/// </summary>
internal static class RefusalAudit
{
    public static async Task<T> CheckAsync<T>(AuditLog log, AuditActor actor, string action, Purposes purpose, string? subject, string? version, Func<Task<T>> checks)
    {
        try
        {
            return await checks();
        }
        catch (WorkflowRefusedException refusal)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, purpose, refusal.Code, subject, version);
            throw;
        }
    }

    /// <summary>The purpose registry's refusal as a workflow refusal (same code), so one path audits it.</summary>
    public static async Task RequireApprovedAsync(this PurposeRegistry registry, Purposes purpose, CancellationToken cancellationToken)
    {
        try
        {
            await registry.EnsureApprovedAsync(purpose, cancellationToken);
        }
        catch (PurposeNotApprovedException ex)
        {
            throw new WorkflowRefusedException(RefusalCodes.PurposeNotApproved, RefusalKind.NotPermitted, ex.Message);
        }
    }
}
