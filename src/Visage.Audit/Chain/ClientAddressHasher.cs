using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Visage.Audit;

/// <summary>
/// Turns a client's IP address into a keyed hash, so the log can show "same client" without holding an address
/// (personal data) that anyone with the table could read or brute-force: the IPv4 space is small enough to
/// enumerate an unkeyed hash. The HMAC key is derived from a deployment secret with HKDF.
/// </summary>
public sealed class ClientAddressHasher
{
    private const string KeyPurpose = "visage.audit.client-address.v1";
    private readonly byte[] key;

    public ClientAddressHasher(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("The client address secret must be at least 16 bytes.", nameof(secret));
        }

        key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt: [], info: Encoding.ASCII.GetBytes(KeyPurpose));
    }

    /// <summary>HMAC-SHA256 of the address bytes; an IPv4-mapped IPv6 address hashes as its IPv4 form.</summary>
    public byte[] Hash(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var canonical = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return HMACSHA256.HashData(key, canonical.GetAddressBytes());
    }
}
