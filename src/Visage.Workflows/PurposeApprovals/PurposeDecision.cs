using Visage.Gallery;

namespace Visage.Workflows.PurposeApprovals;

/// <summary>One recorded decision on a purpose: who approved (or revoked) it, when and why.</summary>
public sealed record PurposeDecision(Guid Id, Purposes Purpose, bool Approved, string DecidedBy, DateTimeOffset DecidedUtc, string Rationale);

/// <summary>A recognition purpose and the decision in force for it (none: never approved, so unusable).</summary>
public sealed record PurposeStatus(Purposes Purpose, PurposeDecision? InForce)
{
    public string Code => Purpose.ToCode();

    public bool Approved => InForce?.Approved == true;
}
