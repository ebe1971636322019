using Visage.Gallery;

namespace Visage.Audit;

/// <summary>
/// What a caller appends: who did what to whom, why, and with what result. Ids are opaque (never names);
/// <see cref="ClientAddressHash"/> comes from <see cref="ClientAddressHasher"/>, never a raw address. The chain
/// stamps the time, the sequence and the hashes. <see cref="Purpose"/> is exactly one purpose; the record keeps its
/// <see cref="PurposeCodes"/> code.
/// </summary>
public sealed record AuditEntry(
    string Actor,
    string ActorRole,
    string Action,
    Purposes Purpose,
    string? Subject,
    string Outcome,
    string? Reason,
    string? ModelVersion,
    string CorrelationId,
    byte[]? ClientAddressHash);
