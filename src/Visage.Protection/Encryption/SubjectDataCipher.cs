using System.Security.Cryptography;

namespace Visage.Protection;

/// <summary>
/// AES-256-GCM under a subject's data key. Format v1: version (1 byte) | nonce (12) | ciphertext | tag (16);
/// the associated data binds it to record, subject, kind and format version (<see cref="RecordBinding"/>).
/// </summary>
public static class SubjectDataCipher
{
    public const string Purpose = "visage/subject-data";
    public const byte FormatVersion1 = 1;
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Overhead = 1 + NonceSize + TagSize;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static byte[] Encrypt(ReadOnlySpan<byte> dataKey, RecordBinding binding, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[Overhead + plaintext.Length];
        output[0] = FormatVersion1;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(dataKey, TagSize);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(output.Length - TagSize), binding.ToAssociatedData(FormatVersion1));
        return output;
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> dataKey, RecordBinding binding, ReadOnlySpan<byte> ciphertext)
    {
        var id = binding.RecordId.ToString("N");
        if (ciphertext.Length < Overhead)
        {
            throw new ProtectedDataException(id, ProtectedDataFailure.Truncated);
        }

        if (ciphertext[0] != FormatVersion1)
        {
            throw new ProtectedDataException(id, ProtectedDataFailure.UnknownFormatVersion);
        }

        var plaintext = new byte[ciphertext.Length - Overhead];
        try
        {
            using var gcm = new AesGcm(dataKey, TagSize);
            gcm.Decrypt(ciphertext.Slice(1, NonceSize), ciphertext.Slice(1 + NonceSize, plaintext.Length), ciphertext[^TagSize..], plaintext, binding.ToAssociatedData(FormatVersion1));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new ProtectedDataException(id, ProtectedDataFailure.AuthenticationFailed, ex);
        }

        return plaintext;
    }
}
