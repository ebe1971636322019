using System.Globalization;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Models;

/// <summary>A subject none of whose templates the engine's model made, with what it holds instead.</summary>
public sealed record ReenrolmentEntry(Guid SubjectId, IReadOnlyList<TemplateModelCount> Templates);

/// <summary>The engine's model, how many subjects hold a template of it, and the subjects to re-enrol.</summary>
public sealed record ReenrolmentList(string EngineModel, int SubjectsCurrent, IReadOnlyList<ReenrolmentEntry> ToReenrol);

/// <summary>
/// The subjects a change of model leaves unrecognisable: every template of theirs was made by another model, and
/// templates of two models are never compared (the gallery holds only the engine's). Visage keeps no enrolment image
/// (templates only: data minimisation), so their templates cannot be re-derived; they are listed here for re-enrolment
/// at their next visit (the desk enrols them again under their consent), and their old templates stay stored, unused,
/// until then or until their deletion. The list names opaque subject ids only, and reading it is audited.
/// </summary>
public sealed class ReenrolmentWorklist(ProtectedStoreLifetime store, CaptureInspector inspector, AuditLog log)
{
    public const string Action = "model.reenrolment-list";

    public async Task<ReenrolmentList> ListAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var model = inspector.ModelVersion;
        await using var operation = await AuditedOperation.BeginAsync(log, actor, Action, Purposes.Operations, null, model, "subjects whose templates another model made", cancellationToken);
        var counts = await (await store.OpenAsync(cancellationToken)).Store.CountTemplatesByModelAsync(cancellationToken);
        var bySubject = counts.GroupBy(c => c.SubjectId).ToList();
        var toReenrol = bySubject
            .Where(s => !s.Any(c => string.Equals(c.ModelVersion, model, StringComparison.Ordinal)))
            .Select(s => new ReenrolmentEntry(s.Key, [.. s]))
            .ToList();
        var current = bySubject.Count - toReenrol.Count;
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{toReenrol.Count} subjects to re-enrol; {current} current"));
        return new ReenrolmentList(model, current, toReenrol);
    }
}
