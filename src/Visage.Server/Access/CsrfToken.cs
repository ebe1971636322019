using System.Security.Cryptography;
using System.Text;
using Visage.Server.Identity;

namespace Visage.Server.Access;

/// <summary>
/// The anti-forgery token of a browser session: derived from the session token (which the page cannot read from its
/// HttpOnly cookie), handed to the page at sign-in, and required on every change a cookie-borne session makes. A forged
/// cross-site request carries the cookie but cannot know this.
/// </summary>
internal static class CsrfToken
{
    public static string For(string sessionToken) => SecretToken.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes("csrf:" + sessionToken)));

    public static bool Matches(string sessionToken, string presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(For(sessionToken)), Encoding.UTF8.GetBytes(presented));
}
