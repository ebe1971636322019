using System.Security.Cryptography;
using System.Text;

namespace Visage.Server.Identity;

/// <summary>
/// Bearer secrets (session, setup link, API key): 256 random bits behind a prefix that says what they are, stored only as
/// SHA-256 (enough for a random secret; a password needs the slow hasher, a token does not).
/// </summary>
internal static class SecretToken
{
    public const string SessionPrefix = "vs_";
    public const string SetupPrefix = "vsetup_";
    public const string ApiKeyPrefix = "vk_";

    public static string New(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
