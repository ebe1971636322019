using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Visage.Protection;

/// <summary>
/// Keys on a PKCS#11 token (an HSM, or SoftHSM for testing). The key-encryption keys are AES-256 token objects
/// labelled visage-kek-v1, -v2, …; the signing key is an EC P-256 pair labelled visage-signing. Both are created
/// on first open over an empty store (never over one that holds data: that token is the wrong one), sensitive and
/// non-extractable, so wrapping and signing happen inside the token and no private key byte ever reaches this
/// process. The token is the source of truth: the cached key list is refreshed before rotating or retiring and
/// when a blob names a version not yet seen (another process may have rotated).
/// </summary>
public sealed class Pkcs11KeyProvider : IKeyProvider, IDisposable
{
    /// <summary>Label of the signing key pair on the token.</summary>
    public const string SigningKeyLabel = "visage-signing";

    /// <summary>Label prefix of the key-encryption keys; the version follows, e.g. visage-kek-v1.</summary>
    public const string KeyEncryptionKeyLabelPrefix = "visage-kek-v";

    private const string WrapPurpose = "visage/data-key-wrap";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeySize = 32;
    private const int SignatureSize = 64;

    // DER OID 1.2.840.10045.3.1.7 (prime256v1), the CKA_EC_PARAMS value for P-256.
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    private readonly Lock gate = new();
    private readonly Pkcs11Modules.TokenSession token;
    private readonly string tokenLabel;
    private IObjectHandle? signingKey;
    private byte[]? signingPublicKey;
    private SortedDictionary<int, IObjectHandle> keys;
    private bool disposed;

    private Pkcs11KeyProvider(Pkcs11Modules.TokenSession token, string tokenLabel, SortedDictionary<int, IObjectHandle> keys, IObjectHandle? signingKey, byte[]? signingPublicKey)
    {
        this.token = token;
        this.tokenLabel = tokenLabel;
        this.keys = keys;
        this.signingKey = signingKey;
        this.signingPublicKey = signingPublicKey;
    }

    public string Name => "pkcs11";

    public int CurrentVersion
    {
        get
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                return keys.Keys.Max();
            }
        }
    }

    public IReadOnlyList<int> Versions
    {
        get
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                return [.. keys.Keys];
            }
        }
    }

    public bool HasSigningKey
    {
        get
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                return signingKey is not null;
            }
        }
    }

    private ISession Session => token.Session;

    private Pkcs11InteropFactories Factories => token.Factories;

    /// <summary>Opens the token with no store behind it: missing keys are created (tests, tools).</summary>
    public static Pkcs11KeyProvider Open(Pkcs11Options options) => Open(options, StoreContents.None);

    /// <summary>
    /// Logs in to the token and finds its keys. Key version 1 and the signing pair are created only when the token has
    /// none and the store holds nothing (<paramref name="contents"/>); a token without key-encryption keys over a
    /// store that holds data, or without the signing pair over signed data, is refused before anything is created on
    /// it. A missing library, an unknown token or a wrong PIN fails with a <see cref="KeyProviderException"/> saying
    /// what to fix; no message contains the PIN.
    /// </summary>
    public static Pkcs11KeyProvider Open(Pkcs11Options options, StoreContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.LibraryPath) || string.IsNullOrWhiteSpace(options.TokenLabel) || string.IsNullOrEmpty(options.UserPin))
        {
            throw new KeyProviderException("PKCS#11 key provider needs LibraryPath, TokenLabel and UserPin; at least one is empty.");
        }

        var token = Pkcs11Modules.OpenSession(options);
        try
        {
            var keys = FindKeys(token, options.TokenLabel);
            var signing = FindSigningKey(token, options.TokenLabel);

            // Decide before creating anything: a token refused here is left exactly as it was.
            if (keys.Count == 0 && !contents.IsEmpty)
            {
                throw new KeyProviderException(
                    $"PKCS#11 token '{options.TokenLabel}' holds no Visage keys ({KeyEncryptionKeyLabelPrefix}*), but the database at {contents.Description} holds {contents.Held} made with them: " +
                    "this is not the token the database was created with. Nothing was created on it. Set Storage:Keys:Pkcs11Token to the right token, or restore the token from its backup.");
            }

            if (signing is null && contents.SignedRecords)
            {
                throw new KeyProviderException(
                    $"PKCS#11 token '{options.TokenLabel}' holds no '{SigningKeyLabel}' key pair, but the database at {contents.Description} holds deletion certificates or audit checkpoints signed with one. " +
                    "Nothing was created on the token. Restore the pair from the token's backup; a new pair could not verify what the old one signed.");
            }

            if (keys.Count == 0)
            {
                keys.Add(1, GenerateKey(token, 1));
            }

            if (signing is null && contents.IsEmpty)
            {
                signing = GenerateSigningKey(token);
            }

            var spki = signing is null ? null : ReadPublicKey(token, signing.Value.PublicKey, options.TokenLabel);
            var provider = new Pkcs11KeyProvider(token, options.TokenLabel, keys, signing?.PrivateKey, spki);
            provider.CheckSigningPair();
            return provider;
        }
        catch (Pkcs11Exception ex)
        {
            token.Dispose();
            throw new KeyProviderException($"PKCS#11 token '{options.TokenLabel}' refused to set up the Visage keys: {ex.Method} returned {ex.RV}.", ex);
        }
        catch
        {
            token.Dispose();
            throw;
        }
    }

    public WrappedKey Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var plaintext = dataKey.ToArray();
        byte[] sealedKey;
        int version;
        try
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                version = keys.Keys.Max();
                try
                {
                    sealedKey = Gcm(version, nonce, associatedData, (mechanism, key) => Session.Encrypt(mechanism, key, plaintext));
                }
                catch (Pkcs11Exception ex) when (IsStaleHandle(ex.RV))
                {
                    // Another process retired the version this provider still thought current; use the token's.
                    RefreshKeys();
                    version = keys.Keys.Max();
                    sealedKey = Gcm(version, nonce, associatedData, (mechanism, key) => Session.Encrypt(mechanism, key, plaintext));
                }
            }
        }
        catch (Pkcs11Exception ex)
        {
            throw TokenFailure("wrap a data key", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        // PKCS#11 GCM output is ciphertext followed by the tag, the same layout as FileKeyProvider's blob tail.
        if (sealedKey.Length != dataKey.Length + TagSize)
        {
            throw new KeyProviderException($"PKCS#11 token '{tokenLabel}' returned {sealedKey.Length} bytes of AES-GCM output for a {dataKey.Length}-byte key; expected ciphertext plus a {TagSize}-byte tag. The module's CKM_AES_GCM is not usable.");
        }

        return new WrappedKey(version, [.. nonce, .. sealedKey]);
    }

    public byte[] Unwrap(WrappedKey wrapped, ReadOnlySpan<byte> associatedData, string recordId)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!keys.ContainsKey(wrapped.KeyVersion))
            {
                RefreshKeys();
                if (!keys.ContainsKey(wrapped.KeyVersion))
                {
                    throw new ProtectedDataException(recordId, ProtectedDataFailure.UnknownKeyVersion);
                }
            }

            if (wrapped.Blob is null || wrapped.Blob.Length < NonceSize + TagSize)
            {
                throw new ProtectedDataException(recordId, ProtectedDataFailure.Truncated);
            }

            var nonce = wrapped.Blob.AsSpan(0, NonceSize);
            var sealedKey = wrapped.Blob[NonceSize..];
            try
            {
                var dataKey = Gcm(wrapped.KeyVersion, nonce, associatedData, (mechanism, key) => Session.Decrypt(mechanism, key, sealedKey));
                if (dataKey.Length != sealedKey.Length - TagSize)
                {
                    // A module that skipped the tag check or mis-sized its output; never hand back such bytes.
                    CryptographicOperations.ZeroMemory(dataKey);
                    throw new ProtectedDataException(recordId, ProtectedDataFailure.AuthenticationFailed);
                }

                return dataKey;
            }
            catch (Pkcs11Exception ex) when (IsStaleHandle(ex.RV))
            {
                // The key object is gone: another process retired this version since it was cached.
                RefreshKeys();
                throw keys.ContainsKey(wrapped.KeyVersion)
                    ? TokenFailure("unwrap a data key", ex)
                    : new ProtectedDataException(recordId, ProtectedDataFailure.UnknownKeyVersion, ex);
            }
            catch (Pkcs11Exception ex) when (IsTokenUnavailable(ex.RV))
            {
                throw TokenFailure("unwrap a data key", ex);
            }
            catch (Pkcs11Exception ex)
            {
                // A tag mismatch is CKR_ENCRYPTED_DATA_INVALID on most modules; SoftHSM 2.6 says CKR_GENERAL_ERROR.
                throw new ProtectedDataException(recordId, ProtectedDataFailure.AuthenticationFailed, ex);
            }
        }
    }

    public void Refresh()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                RefreshKeys();
                RefreshSigningKey();
            }
            catch (Pkcs11Exception ex)
            {
                throw TokenFailure("list its keys", ex);
            }
        }
    }

    public int Rotate()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                RefreshKeys();
                var version = keys.Keys.Max() + 1;
                var created = GenerateKey(token, version);

                // Read back: exactly one key carries the new label. Two processes rotating the same token at once can
                // both make it; each then destroys its own and refuses, so no data is ever wrapped under a doubled label.
                var label = KeyLabel(version);
                var attributes = Factories.ObjectAttributeFactory;
                var sameLabel = Session.FindAllObjects([attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), attributes.Create(CKA.CKA_LABEL, label)]);
                if (sameLabel.Count != 1)
                {
                    Session.DestroyObject(created);
                    throw new KeyProviderException($"Another process created key version {version} on PKCS#11 token '{tokenLabel}' at the same moment; this one withdrew its key. Run the rotation again.");
                }

                RefreshKeys();
                return keys.ContainsKey(version)
                    ? version
                    : throw new KeyProviderException($"PKCS#11 token '{tokenLabel}' did not list key version {version} after creating it; nothing was wrapped under it. Check the token and run the rotation again.");
            }
            catch (Pkcs11Exception ex)
            {
                throw TokenFailure("generate a new key version", ex);
            }
        }
    }

    public void Retire(int version)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                RefreshKeys();
                if (version == keys.Keys.Max())
                {
                    throw new KeyProviderException($"Key version {version} is current and cannot be retired; rotate first.");
                }

                if (!keys.TryGetValue(version, out var key))
                {
                    throw new KeyProviderException($"Key version {version} does not exist on PKCS#11 token '{tokenLabel}'.");
                }

                Session.DestroyObject(key);
                keys.Remove(version);
            }
            catch (Pkcs11Exception ex)
            {
                throw TokenFailure($"destroy key version {version.ToString(CultureInfo.InvariantCulture)}", ex);
            }
        }
    }

    public bool AddSigningKeyIfMissing()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                RefreshSigningKey();
                if (signingKey is not null)
                {
                    return false;
                }

                var (privateKey, publicKey) = GenerateSigningKey(token);
                signingPublicKey = ReadPublicKey(token, publicKey, tokenLabel);
                signingKey = privateKey;
            }
            catch (Pkcs11Exception ex)
            {
                throw TokenFailure("generate the signing key pair", ex);
            }
        }

        CheckSigningPair();
        return true;
    }

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        // CKM_ECDSA signs a digest; hashing here keeps the payload off the token and works on every module.
        var digest = SHA256.HashData(data);
        byte[] signature;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var key = signingKey ?? throw NoSigningKey();
            try
            {
                using var mechanism = Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
                signature = Session.Sign(mechanism, key, digest);
            }
            catch (Pkcs11Exception ex)
            {
                throw TokenFailure("sign", ex);
            }
        }

        // PKCS#11 defines the CKM_ECDSA signature as r||s, each the size of the order: IEEE P1363 already.
        return signature.Length == SignatureSize
            ? signature
            : throw new KeyProviderException($"PKCS#11 token '{tokenLabel}' returned a {signature.Length}-byte ECDSA signature; expected {SignatureSize} (r||s for P-256).");
    }

    public byte[] ExportSigningPublicKey()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return (byte[])(signingPublicKey ?? throw NoSigningKey()).Clone();
        }
    }

    /// <summary>Closes the session; the last provider on a module logs out and finalises the library.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            token.Dispose();
        }
    }

    internal static string KeyLabel(int version) =>
        KeyEncryptionKeyLabelPrefix + version.ToString(CultureInfo.InvariantCulture);

    private byte[] Gcm(int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Func<IMechanism, IObjectHandle, byte[]> operation)
    {
        // The nonce is ours (random, 96 bits) rather than the token's, so the blob layout matches FileKeyProvider.
        using var parameters = Factories.MechanismParamsFactory.CreateCkGcmParams(nonce.ToArray(), NonceSize * 8, WrapAad(version, associatedData), TagSize * 8);
        using var mechanism = Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
        return operation(mechanism, keys[version]);
    }

    private void RefreshKeys()
    {
        var found = FindKeys(token, tokenLabel);
        keys = found.Count > 0
            ? found
            : throw new KeyProviderException($"PKCS#11 token '{tokenLabel}' no longer holds any {KeyEncryptionKeyLabelPrefix}* key. Restore the token from its backup; without the keys no protected data can be decrypted.");
    }

    private void RefreshSigningKey()
    {
        if (signingKey is null && FindSigningKey(token, tokenLabel) is { } found)
        {
            // Another process added the pair since this one opened.
            signingPublicKey = ReadPublicKey(token, found.PublicKey, tokenLabel);
            signingKey = found.PrivateKey;
        }
    }

    private KeyProviderException NoSigningKey() =>
        new($"PKCS#11 token '{tokenLabel}' holds no '{SigningKeyLabel}' key pair, so nothing can be signed. 'visage keys rotate' adds one while the store holds nothing signed; otherwise restore the pair from the token's backup.");

    /// <summary>Signs a probe and verifies it with the public half, so a mismatched pair fails at open, not at audit time.</summary>
    private void CheckSigningPair()
    {
        if (signingPublicKey is null)
        {
            return;
        }

        byte[] probe = [.. "visage/signing-pair-check"u8];
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(signingPublicKey, out _);
        if (!ecdsa.VerifyData(probe, Sign(probe), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new KeyProviderException($"The '{SigningKeyLabel}' private and public keys on PKCS#11 token '{tokenLabel}' do not form a pair. Restore them from backup (a new pair could not verify what the old one signed).");
        }
    }

    private static SortedDictionary<int, IObjectHandle> FindKeys(Pkcs11Modules.TokenSession token, string tokenLabel)
    {
        var attributes = token.Factories.ObjectAttributeFactory;
        var handles = token.Session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_TOKEN, true),
        ]);

        var keys = new SortedDictionary<int, IObjectHandle>();
        foreach (var handle in handles)
        {
            var values = token.Session.GetAttributeValue(handle, [CKA.CKA_LABEL, CKA.CKA_VALUE_LEN]);
            var label = values[0].GetValueAsString() ?? string.Empty;
            if (!TryParseVersion(label, out var version))
            {
                continue;
            }

            if (values[1].GetValueAsUlong() != KeySize)
            {
                throw new KeyProviderException($"Key '{label}' on PKCS#11 token '{tokenLabel}' is not AES-256. Visage creates its own keys; remove keys with its labels that were made by hand.");
            }

            if (!keys.TryAdd(version, handle))
            {
                throw new KeyProviderException($"PKCS#11 token '{tokenLabel}' holds more than one key labelled '{label}'; refusing to guess which one wrapped the data. Keep the original (compare CKA_ID or creation records) and destroy the other.");
            }
        }

        return keys;
    }

    private static bool TryParseVersion(string label, out int version)
    {
        version = 0;
        return label.StartsWith(KeyEncryptionKeyLabelPrefix, StringComparison.Ordinal)
            && int.TryParse(label.AsSpan(KeyEncryptionKeyLabelPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version > 0
            && string.Equals(label, KeyLabel(version), StringComparison.Ordinal);
    }

    private static IObjectHandle GenerateKey(Pkcs11Modules.TokenSession token, int version)
    {
        var attributes = token.Factories.ObjectAttributeFactory;
        var label = KeyLabel(version);

        // Only encrypt and decrypt are allowed; the token refuses to reveal, wrap out or repurpose the key.
        using var mechanism = token.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
        return token.Session.GenerateKey(mechanism,
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_VALUE_LEN, (ulong)KeySize),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_ENCRYPT, true),
            attributes.Create(CKA.CKA_DECRYPT, true),
            attributes.Create(CKA.CKA_WRAP, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
            attributes.Create(CKA.CKA_SIGN, false),
            attributes.Create(CKA.CKA_VERIFY, false),
            attributes.Create(CKA.CKA_DERIVE, false),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_ID, Encoding.ASCII.GetBytes(label)),
        ]);
    }

    private static (IObjectHandle PrivateKey, IObjectHandle PublicKey)? FindSigningKey(Pkcs11Modules.TokenSession token, string tokenLabel)
    {
        var attributes = token.Factories.ObjectAttributeFactory;
        var privateKeys = token.Session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, SigningKeyLabel),
        ]);
        var publicKeys = token.Session.FindAllObjects(
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, SigningKeyLabel),
        ]);

        switch (privateKeys.Count, publicKeys.Count)
        {
            case (1, 1):
                return (privateKeys[0], publicKeys[0]);
            case (0, 0):
                return null;
            default:
                throw new KeyProviderException(
                    $"PKCS#11 token '{tokenLabel}' holds {privateKeys.Count} private and {publicKeys.Count} public keys labelled '{SigningKeyLabel}'; expected one of each. " +
                    "Restore the pair from backup, or remove them all so a new pair is generated (earlier audit signatures then verify only with the old public key).");
        }
    }

    private static (IObjectHandle PrivateKey, IObjectHandle PublicKey) GenerateSigningKey(Pkcs11Modules.TokenSession token)
    {
        var attributes = token.Factories.ObjectAttributeFactory;
        var id = Encoding.ASCII.GetBytes(SigningKeyLabel);
        using var mechanism = token.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
        token.Session.GenerateKeyPair(
            mechanism,
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY),
                attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
                attributes.Create(CKA.CKA_TOKEN, true),
                attributes.Create(CKA.CKA_PRIVATE, false),
                attributes.Create(CKA.CKA_VERIFY, true),
                attributes.Create(CKA.CKA_EC_PARAMS, P256Parameters),
                attributes.Create(CKA.CKA_LABEL, SigningKeyLabel),
                attributes.Create(CKA.CKA_ID, id),
            ],
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
                attributes.Create(CKA.CKA_TOKEN, true),
                attributes.Create(CKA.CKA_PRIVATE, true),
                attributes.Create(CKA.CKA_SENSITIVE, true),
                attributes.Create(CKA.CKA_EXTRACTABLE, false),
                attributes.Create(CKA.CKA_SIGN, true),
                attributes.Create(CKA.CKA_DERIVE, false),
                attributes.Create(CKA.CKA_LABEL, SigningKeyLabel),
                attributes.Create(CKA.CKA_ID, id),
            ],
            out var publicKey,
            out var privateKey);
        return (privateKey, publicKey);
    }

    /// <summary>Turns the public key object's CKA_EC_POINT into a DER SubjectPublicKeyInfo.</summary>
    private static byte[] ReadPublicKey(Pkcs11Modules.TokenSession token, IObjectHandle publicKey, string tokenLabel)
    {
        var values = token.Session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        if (!values[0].GetValueAsByteArray().AsSpan().SequenceEqual(P256Parameters))
        {
            throw new KeyProviderException($"The '{SigningKeyLabel}' key on PKCS#11 token '{tokenLabel}' is not on curve P-256. Remove the pair so a P-256 pair is generated.");
        }

        // PKCS#11 specifies a DER OCTET STRING around the uncompressed point (04 41 04|X|Y); some modules return
        // the bare point (04|X|Y). The lengths (67 and 65) tell them apart.
        var point = values[1].GetValueAsByteArray() ?? [];
        ReadOnlySpan<byte> raw = point.Length switch
        {
            67 when point[0] == 0x04 && point[1] == 0x41 => point.AsSpan(2),
            65 => point,
            _ => [],
        };
        if (raw.Length != 65 || raw[0] != 0x04)
        {
            throw new KeyProviderException($"The '{SigningKeyLabel}' public key on PKCS#11 token '{tokenLabel}' has a CKA_EC_POINT this build does not read ({point.Length} bytes); expected an uncompressed P-256 point.");
        }

        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = raw[1..33].ToArray(), Y = raw[33..].ToArray() },
            });
            return ecdsa.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException ex)
        {
            throw new KeyProviderException($"The '{SigningKeyLabel}' public key on PKCS#11 token '{tokenLabel}' is not a valid P-256 point.", ex);
        }
    }

    private static byte[] WrapAad(int version, ReadOnlySpan<byte> associatedData) =>
        [.. Encoding.ASCII.GetBytes($"{WrapPurpose}|{version.ToString(CultureInfo.InvariantCulture)}|"), .. associatedData];

    private static bool IsStaleHandle(CKR rv) => rv is CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID;

    /// <summary>Failures of the token or session rather than of the ciphertext, reported as such, never as tampering.</summary>
    private static bool IsTokenUnavailable(CKR rv) => rv is
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_DEVICE_ERROR or CKR.CKR_DEVICE_MEMORY or
        CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_HOST_MEMORY or
        CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_MECHANISM_INVALID or
        CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_KEY_FUNCTION_NOT_PERMITTED or CKR.CKR_KEY_TYPE_INCONSISTENT or
        CKR.CKR_OPERATION_ACTIVE;

    private KeyProviderException TokenFailure(string action, Pkcs11Exception ex) =>
        new($"PKCS#11 token '{tokenLabel}' failed to {action}: {ex.Method} returned {ex.RV}. Check that the HSM is reachable; reopen the provider if the session was lost.", ex);
}
