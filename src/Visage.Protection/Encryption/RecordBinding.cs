using System.Text;

namespace Visage.Protection;

/// <summary>
/// What a ciphertext belongs to. It is authenticated as AES-GCM associated data, so a ciphertext copied
/// into another row, subject or kind fails to decrypt instead of decrypting as someone else's data.
/// </summary>
public readonly record struct RecordBinding(Guid RecordId, Guid SubjectId, string Kind)
{
    /// <summary>Layout v1: purpose | format version | record id | subject id | kind, '|' separated, ASCII.</summary>
    public byte[] ToAssociatedData(byte formatVersion) =>
        Encoding.ASCII.GetBytes($"{SubjectDataCipher.Purpose}|{formatVersion}|{RecordId:N}|{SubjectId:N}|{Kind}");
}
