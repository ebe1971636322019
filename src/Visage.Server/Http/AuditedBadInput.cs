using Microsoft.AspNetCore.Http;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Workflows.Recognition;

namespace Visage.Server.Http;

/// <summary>
/// Refuses request input the services never see (a subject id that is not one, a code that does not parse, a query
/// filter) on endpoints that touch protected data: the refusal is audited first, like the services' own, and the
/// message never repeats the input. Every API area refuses its own fields through this.
/// </summary>
internal static class AuditedBadInput
{
    /// <summary>Records the refusal under <paramref name="action"/> and gives the exception to throw (400, reason bad-input).</summary>
    public static async Task<WorkflowRefusedException> RefuseAsync(AuditLog log, HttpContext context, string action, string message, string? subject = null, Purposes purpose = Purposes.Operations)
    {
        await AuditedOperation.RecordRefusedAsync(log, context.Actor(), action, purpose, RefusalCodes.BadInput, subject);
        return new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, message);
    }

    /// <summary>The route's subject id, or an audited 400: ids are opaque GUIDs, anything else was never issued.</summary>
    public static async Task<Guid> SubjectIdAsync(string id, AuditLog log, HttpContext context, string action) =>
        Guid.TryParse(id, out var subject)
            ? subject
            : throw await RefuseAsync(log, context, action, "A subject id is the opaque id given at registration (a GUID); what was given is not shown.");
}
