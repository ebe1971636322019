namespace Visage.Audit;

/// <summary>
/// A stored row that cannot be read as what the chain wrote: its sequence when that column at least is an integer,
/// and the first problem, naming the column and never its value (which may hold an identifier).
/// </summary>
internal sealed record AuditRowDamage(long? Sequence, string Problem);
