using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>
/// Proof of disposal for one subject: what was deleted, when, by whom, why, and which data key was destroyed.
/// Serialised as compact JSON in this property order; the signature (ECDSA P-256, from the key provider)
/// covers exactly those UTF-8 bytes, so anyone with the public key can check a stored certificate. Format /2 holds
/// a <see cref="DeletionReasonCodes">reason code</see> and an <see cref="OperatorId"/> as actor, never free text; /1
/// certificates (free-text reason) still parse and verify.
/// </summary>
public sealed record DeletionCertificate(
    string Format,
    Guid CertificateId,
    Guid Subject,
    DateTimeOffset DeletedUtc,
    string Actor,
    string Reason,
    int TemplatesDeleted,
    int EvidenceDeleted,
    Guid DestroyedDataKeyId,
    string KeyProvider,
    int DataKeyWrappedUnderVersion,
    string SigningKeySha256)
{
    public const string CurrentFormat = "visage-deletion-certificate/2";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static DeletionCertificate Parse(string body) =>
        JsonSerializer.Deserialize<DeletionCertificate>(body, Json) ?? throw new StorageException("The deletion certificate body is empty.");

    internal DeletionCertificateRecord SignWith(IKeyProvider keys)
    {
        var body = ToJson();
        return new DeletionCertificateRecord(CertificateId, Subject, DeletedUtc, body, keys.Sign(Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>True when <paramref name="record"/>'s signature verifies under the given public key (DER SubjectPublicKeyInfo).</summary>
    public static bool Verify(DeletionCertificateRecord record, byte[] signingPublicKey)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(signingPublicKey, out _);
        return ecdsa.VerifyData(Encoding.UTF8.GetBytes(record.Body), record.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    internal static string Fingerprint(byte[] signingPublicKey) => Convert.ToHexStringLower(SHA256.HashData(signingPublicKey));
}
