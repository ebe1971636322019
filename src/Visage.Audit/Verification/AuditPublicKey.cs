using System.Security.Cryptography;

namespace Visage.Audit;

/// <summary>
/// The checkpoint signing key's public half as an auditor holds it: a PEM <c>-----BEGIN PUBLIC KEY-----</c> block
/// (X.509 SubjectPublicKeyInfo), as <c>visage keys export-public</c> or <c>openssl ec -pubout</c> write it. Lets
/// <see cref="AuditVerifier"/> run without the key provider, so no private key is opened.
/// </summary>
public static class AuditPublicKey
{
    /// <summary>More than any EC public key PEM needs; a larger file is not one.</summary>
    public const int MaxPemLength = 16 * 1024;

    private const string Label = "PUBLIC KEY";

    /// <summary>The key's DER SubjectPublicKeyInfo in the form the key providers export, so its fingerprint matches the checkpoints'.</summary>
    /// <exception cref="FormatException">Not a PEM public key, or not an elliptic-curve one.</exception>
    public static byte[] FromPem(ReadOnlySpan<char> pem)
    {
        if (pem.Length > MaxPemLength || !PemEncoding.TryFind(pem, out var fields) || !pem[fields.Label].SequenceEqual(Label))
        {
            throw new FormatException($"not a PEM public key: expected a '-----BEGIN {Label}-----' block.");
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(pem[fields.Base64Data].ToString()), out _);
            // Re-exported: an equivalent encoding from another tool gets the same bytes, hence the same fingerprint.
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException ex)
        {
            throw new FormatException("not an elliptic-curve (ECDSA) public key, which is what signs audit checkpoints.", ex);
        }
    }
}
