namespace Visage.Audit;

/// <summary>
/// A signed statement that the chain held <see cref="RecordCount"/> records ending at <see cref="Sequence"/>
/// with <see cref="Hash"/>. It is what makes deleting the tail, or rewriting the chain and recomputing every
/// hash, detectable: the signing key never reaches the database.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, byte[] Hash, long RecordCount, DateTimeOffset TimeUtc, byte[] KeyFingerprint, byte[] Signature);
