using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Visage.Server.Access;
using Visage.Server.Oversight;
using Visage.Storage;

namespace Visage.Server.Tests.Oversight;

/// <summary>Key status over HTTPS: versions, counts and the signing key's fingerprint, and never a byte of a key.</summary>
[Collection(OversightCollection.Name)]
public sealed class KeysApiTests(OversightServer oversight)
{
    [Fact]
    public async Task Status_ShowsVersionsAndTheSigningKeysFingerprint_AndNoKeyMaterial()
    {
        var (officer, _) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var _ = officer;

        using var response = await officer.GetAsync(new Uri("/api/v1/keys", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = JsonSerializer.Deserialize<KeyStatus>(body, OversightServer.Json)!;
        Assert.Equal("file", status.Provider);
        var current = Assert.Single(status.Versions, v => v.Current);
        Assert.Equal(status.CurrentVersion, current.Version);
        // Two enrolled patients (and the probes waiting for review) each have a data key wrapped under it.
        Assert.True(current.WrappedKeys >= 2);
        var publicKey = (await oversight.Get<ProtectedStoreLifetime>().OpenAsync()).Keys.ExportSigningPublicKey();
        Assert.True(status.SigningKeyPresent);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(publicKey)), status.SigningPublicKeySha256);
        foreach (var secret in KeyFileSecrets())
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Convert.FromBase64String(secret)), body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Status_ForAReviewer_IsForbidden()
    {
        var (reviewer, _) = await oversight.StaffAsync(Roles.Reviewer);
        using var _ = reviewer;

        using var response = await reviewer.GetAsync(new Uri("/api/v1/keys", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Every key-encryption key and the signing key in the store's key file (base64, as the file holds them).</summary>
    private List<string> KeyFileSecrets()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(oversight.Server.DataDirectory, "visage.keys")));
        var secrets = file.RootElement.GetProperty("Keys").EnumerateArray().Select(k => k.GetProperty("Key").GetString()!).ToList();
        secrets.Add(file.RootElement.GetProperty("SigningKey").GetString()!);
        Assert.All(secrets, s => Assert.True(s.Length >= 40));
        return secrets;
    }
}
