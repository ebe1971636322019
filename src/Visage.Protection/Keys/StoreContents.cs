namespace Visage.Protection;

/// <summary>
/// What the store a key provider guards already holds, read before the provider opens. Opening creates missing
/// keys only over a store that holds nothing, so a lost key file, a wrong token or a removed signing key is refused
/// instead of silently replaced by a new key that cannot open (or verify) what is stored.
/// </summary>
/// <param name="Description">Where the store lives, without secrets, for messages.</param>
/// <param name="WrappedKeys">Wrapped subject data keys or transform keys: only the existing key-encryption keys open them.</param>
/// <param name="SignedRecords">Deletion certificates or audit checkpoints: only the existing signing key's public half verifies them.</param>
/// <param name="AuditRecords">Audit records: their chain is checkpointed under the existing signing key.</param>
public sealed record StoreContents(string Description, bool WrappedKeys, bool SignedRecords, bool AuditRecords)
{
    /// <summary>For a provider opened on its own, with no store behind it (tests, tools): missing keys are created.</summary>
    public static StoreContents None { get; } = new("no store", false, false, false);

    public bool IsEmpty => !WrappedKeys && !SignedRecords && !AuditRecords;

    /// <summary>The kinds of data held, for a refusal message (e.g. "wrapped keys and audit records").</summary>
    internal string Held =>
        string.Join(" and ", new[]
        {
            WrappedKeys ? "wrapped keys" : null,
            SignedRecords ? "signed deletion certificates or audit checkpoints" : null,
            AuditRecords ? "audit records" : null,
        }.OfType<string>());
}
