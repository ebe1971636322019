using System.Globalization;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>The accounting of disclosures for one subject: every audit record about it, the export itself recorded first.</summary>
public sealed class AuditedDisclosures(ProtectedStoreLifetime store, AuditLog log)
{
    /// <param name="format">How the records will be handed out (table, fhir, syslog), as recorded.</param>
    public async Task<IReadOnlyList<AuditRecord>> ForSubjectAsync(AuditActor actor, Guid subject, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, "audit.disclosures", Purposes.SecurityReview, subject.ToString(), reason: $"format {format}", cancellationToken: cancellationToken);
        var queries = new AuditQueries(opened.Database);
        var records = new List<AuditRecord>();
        long? after = 0;
        while (after is not null)
        {
            var page = await queries.BySubjectAsync(subject.ToString(), after.Value, AuditQueries.MaxPageSize, cancellationToken);
            records.AddRange(page.Records);
            after = page.NextAfter;
        }

        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"format {format}, {records.Count} records"));
        return records;
    }
}
