namespace Visage.Audit;

/// <summary>
/// Sees each batch the <see cref="AuditChain"/> has committed, in sequence order, on the chain's writer loop, and
/// returns entries to append after it (none: an empty list). It must be quick and must not wait for the chain:
/// the next batch waits for it. Entries it returns come back to it as records in a later batch.
/// </summary>
public interface IAuditObserver
{
    IReadOnlyList<AuditEntry> OnCommitted(IReadOnlyList<AuditRecord> records);
}
