using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Storage;

namespace Visage.Server.Oversight;

public sealed record KeyVersionView(int Version, bool Current, long WrappedKeys);

/// <summary>
/// What <c>visage keys status</c> shows, never key material: the provider, its key-encryption key versions with how
/// many stored data keys each wraps, and whether a signing key exists with the SHA-256 of its public half (the
/// fingerprint deletion certificates and audit checkpoints carry).
/// </summary>
public sealed record KeyStatus(string Provider, int CurrentVersion, IReadOnlyList<KeyVersionView> Versions, bool SigningKeyPresent, string? SigningPublicKeySha256);

/// <summary>Key status under <c>/api/v1/keys</c>.</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysEndpoints(this IEndpointRouteBuilder routes)
    {
        // Version numbers and counts only: no subject, no key; the library's status read is not audited either.
        routes.MapGroup("/api/v1/keys").WithTags("Keys").MapGet("/", StatusAsync).Declare(Permissions.KeysRead, EndpointDeclarations.NotAudited);
        return routes;
    }

    internal static async Task<Ok<KeyStatus>> StatusAsync(ProtectedStoreLifetime store, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        // The server holds the provider for its lifetime; a rotation by the CLI since then shows only after a re-read.
        opened.Keys.Refresh();
        var counts = await opened.Store.CountWrappedKeysByVersionAsync(cancellationToken);
        var current = opened.Keys.CurrentVersion;
        return TypedResults.Ok(new KeyStatus(
            opened.Keys.Name,
            current,
            opened.Keys.Versions.Select(v => new KeyVersionView(v, v == current, counts.GetValueOrDefault(v))).ToList(),
            opened.Keys.HasSigningKey,
            opened.Keys.HasSigningKey ? Convert.ToHexStringLower(SHA256.HashData(opened.Keys.ExportSigningPublicKey())) : null));
    }
}
