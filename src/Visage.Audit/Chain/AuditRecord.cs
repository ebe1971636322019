using Visage.Gallery;

namespace Visage.Audit;

/// <summary>
/// One link of the chain as stored: the entry plus its sequence (1, 2, 3, … without gaps), its UTC time (whole
/// milliseconds, never earlier than the previous record's), the previous record's hash (32 zero bytes for the
/// first) and its own hash, SHA-256 over <see cref="AuditEncoding"/> v1.
/// </summary>
public sealed record AuditRecord(
    long Sequence,
    DateTimeOffset TimeUtc,
    string Actor,
    string ActorRole,
    string Action,
    string Purpose,
    string? Subject,
    string Outcome,
    string? Reason,
    string? ModelVersion,
    string CorrelationId,
    byte[]? ClientAddressHash,
    byte[] PreviousHash,
    byte[] Hash)
{
    internal static AuditRecord Seal(AuditEntry entry, long sequence, DateTimeOffset time, byte[] previousHash)
    {
        var record = new AuditRecord(
            sequence, time, entry.Actor, entry.ActorRole, entry.Action, entry.Purpose.ToCode(), entry.Subject, entry.Outcome,
            entry.Reason, entry.ModelVersion, entry.CorrelationId, entry.ClientAddressHash, previousHash, []);
        return record with { Hash = AuditEncoding.ComputeHash(record, sequence) };
    }
}
