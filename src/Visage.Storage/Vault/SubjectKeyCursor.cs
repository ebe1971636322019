using System.Security.Cryptography;

namespace Visage.Storage;

/// <summary>
/// Walks rows grouped by subject and holds one unwrapped data key at a time: unwraps when the subject changes,
/// zeroes the previous key then, and the last one on dispose.
/// </summary>
internal sealed class SubjectKeyCursor(TemplateVault vault) : IDisposable
{
    private Guid? current;
    private byte[] dataKey = [];

    public byte[] KeyFor(SubjectKeyRecord subject)
    {
        if (current != subject.SubjectId)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            dataKey = vault.Unwrap(subject);
            current = subject.SubjectId;
        }

        return dataKey;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(dataKey);
}
