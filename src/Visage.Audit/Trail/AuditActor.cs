using Visage.Storage;

namespace Visage.Audit;

/// <summary>Who acts: an operator id (never a name) and the role they act in. Never blank.</summary>
public sealed record AuditActor
{
    public AuditActor(string id, string role)
    {
        if (!OperatorId.IsValid(id))
        {
            throw new ArgumentException($"The acting user must be {OperatorId.Rule}.", nameof(id));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        Id = id;
        Role = role;
    }

    public string Id { get; }

    public string Role { get; }
}
