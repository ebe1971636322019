using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;

namespace Visage.Protection.Tests.Keys;

[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11KeyProviderTests(SoftHsmFixture softHsm)
{
    private static readonly byte[] Aad = Encoding.ASCII.GetBytes("subject-1");

    [Fact]
    public void Wrap_ThenUnwrap_ReturnsTheDataKey()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var dataKey = SubjectDataCipher.NewDataKey();

        var wrapped = provider.Wrap(dataKey, Aad);

        Assert.Equal((1, 12 + dataKey.Length + 16), (wrapped.KeyVersion, wrapped.Blob.Length));
        Assert.NotEqual(dataKey, wrapped.Blob.Skip(12).Take(dataKey.Length).ToArray());
        Assert.Equal(dataKey, provider.Unwrap(wrapped, Aad, "r1"));
    }

    [Fact]
    public void Wrap_SameKeyTwice_UsesFreshNonces()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var dataKey = SubjectDataCipher.NewDataKey();

        var first = provider.Wrap(dataKey, Aad);
        var second = provider.Wrap(dataKey, Aad);

        Assert.NotEqual(first.Blob.Take(12), second.Blob.Take(12));
        Assert.NotEqual(first.Blob, second.Blob);
    }

    [Fact]
    public void Unwrap_AfterReopening_ReturnsTheDataKey()
    {
        var options = softHsm.CreateToken();
        var dataKey = SubjectDataCipher.NewDataKey();
        WrappedKey wrapped;
        using (var provider = Pkcs11KeyProvider.Open(options))
        {
            wrapped = provider.Wrap(dataKey, Aad);
        }

        using var reopened = Pkcs11KeyProvider.Open(options);

        Assert.Equal([1], reopened.Versions);
        Assert.Equal(dataKey, reopened.Unwrap(wrapped, Aad, "r1"));
    }

    [Fact]
    public void Open_FirstRun_CreatesSensitiveNonExtractableKeysOnTheToken()
    {
        var options = softHsm.CreateToken();
        Pkcs11KeyProvider.Open(options).Dispose();

        var stored = SoftHsmFixture.Inspect(options, (session, factories) =>
        {
            var attributes = factories.ObjectAttributeFactory;
            return new[] { (CKO.CKO_SECRET_KEY, "visage-kek-v1"), (CKO.CKO_PRIVATE_KEY, Pkcs11KeyProvider.SigningKeyLabel) }
                .Select(wanted =>
                {
                    var handle = Assert.Single(session.FindAllObjects(
                        [attributes.Create(CKA.CKA_CLASS, wanted.Item1), attributes.Create(CKA.CKA_LABEL, wanted.Item2)]));
                    var values = session.GetAttributeValue(handle, [CKA.CKA_TOKEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_VALUE]);
                    return (Token: values[0].GetValueAsBool(), Sensitive: values[1].GetValueAsBool(), Extractable: values[2].GetValueAsBool(), ValueReadable: !values[3].CannotBeRead);
                })
                .ToList();
        });

        Assert.All(stored, key => Assert.Equal((true, true, false, false), (key.Token, key.Sensitive, key.Extractable, key.ValueReadable)));
    }

    [Fact]
    public void Rotate_OldWrappedKeysStillUnwrap_NewOnesUseTheNewVersion()
    {
        var options = softHsm.CreateToken();
        var dataKey = SubjectDataCipher.NewDataKey();
        WrappedKey before, after;
        using (var provider = Pkcs11KeyProvider.Open(options))
        {
            before = provider.Wrap(dataKey, Aad);

            Assert.Equal(2, provider.Rotate());
            after = provider.Wrap(dataKey, Aad);
        }

        using var reopened = Pkcs11KeyProvider.Open(options);

        Assert.Equal((1, 2), (before.KeyVersion, after.KeyVersion));
        Assert.Equal(2, reopened.CurrentVersion);
        Assert.Equal([1, 2], reopened.Versions);
        Assert.Equal(dataKey, reopened.Unwrap(before, Aad, "r1"));
        Assert.Equal(dataKey, reopened.Unwrap(after, Aad, "r1"));
    }

    [Fact]
    public void Retire_OldVersion_DestroysItsKeySoItsBlobsAreUnknown()
    {
        var options = softHsm.CreateToken();
        WrappedKey wrapped;
        using (var provider = Pkcs11KeyProvider.Open(options))
        {
            wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);
            provider.Rotate();

            provider.Retire(1);

            Assert.Equal([2], provider.Versions);
            var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped, Aad, "record-42"));
            Assert.Equal((ProtectedDataFailure.UnknownKeyVersion, "record-42"), (ex.Reason, ex.RecordId));
        }

        var remaining = SoftHsmFixture.Inspect(options, (session, factories) =>
            session.FindAllObjects([factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY)])
                .Select(h => session.GetAttributeValue(h, [CKA.CKA_LABEL])[0].GetValueAsString())
                .ToList());
        Assert.Equal(["visage-kek-v2"], remaining);
    }

    [Fact]
    public void Retire_CurrentOrUnknownVersion_Refused()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        provider.Rotate();

        var current = Assert.Throws<KeyProviderException>(() => provider.Retire(2));
        var unknown = Assert.Throws<KeyProviderException>(() => provider.Retire(9));

        Assert.Contains("rotate first", current.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", unknown.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2], provider.Versions);
    }

    [Fact]
    public void Unwrap_UnknownKeyVersion_TypedErrorNamingTheRecord()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad) with { KeyVersion = 7 };

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped, Aad, "record-42"));

        Assert.Equal((ProtectedDataFailure.UnknownKeyVersion, "record-42"), (ex.Reason, ex.RecordId));
    }

    [Theory]
    [InlineData(0)] // nonce
    [InlineData(12)] // ciphertext
    [InlineData(12 + 32 + 15)] // tag
    public void Unwrap_AlteredByte_FailsAuthentication(int index)
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);
        var blob = wrapped.Blob.ToArray();
        blob[index] ^= 0x01;

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped with { Blob = blob }, Aad, "r1"));

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
    }

    [Fact]
    public void Unwrap_OtherSubjectsAssociatedData_FailsAuthentication()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped, Encoding.ASCII.GetBytes("subject-2"), "r1"));

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
    }

    [Fact]
    public void Unwrap_VersionLabelSwappedToAnotherKey_FailsAuthentication()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);
        provider.Rotate();

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped with { KeyVersion = 2 }, Aad, "r1"));

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(27)]
    public void Unwrap_TruncatedBlob_Truncated(int length)
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());
        var wrapped = provider.Wrap(SubjectDataCipher.NewDataKey(), Aad);

        var ex = Assert.Throws<ProtectedDataException>(() => provider.Unwrap(wrapped with { Blob = wrapped.Blob[..length] }, Aad, "r1"));

        Assert.Equal(ProtectedDataFailure.Truncated, ex.Reason);
    }

    [Fact]
    public void Sign_VerifiesWithTheExportedPublicKey_AndFailsForOtherData()
    {
        var options = softHsm.CreateToken();
        var data = Encoding.UTF8.GetBytes("{\"subject\":\"s1\"}");
        byte[] signature, publicKey;
        using (var provider = Pkcs11KeyProvider.Open(options))
        {
            signature = provider.Sign(data);
            publicKey = provider.ExportSigningPublicKey();
        }

        using (var reopened = Pkcs11KeyProvider.Open(options))
        {
            Assert.Equal(publicKey, reopened.ExportSigningPublicKey());
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        var format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation;
        Assert.Equal(64, signature.Length);
        Assert.Equal(256, ecdsa.KeySize);
        Assert.True(ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, format));
        data[0] ^= 1;
        Assert.False(ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, format));
    }

    [Fact]
    public void Open_WrongPin_RefusedWithoutRevealingThePin()
    {
        var options = softHsm.CreateToken();
        var wrong = options with { UserPin = options.UserPin + "7" };

        var ex = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(wrong));

        Assert.Contains("rejected the user PIN", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(options.UserPin, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong.UserPin, wrong.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WrongPinWhileAnotherProviderIsLoggedIn_StillRefused()
    {
        var options = softHsm.CreateToken();
        using var first = Pkcs11KeyProvider.Open(options);

        var ex = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(options with { UserPin = options.UserPin + "7" }));

        Assert.Contains("rejected the user PIN", ex.Message, StringComparison.Ordinal);

        Assert.Equal(64, first.Sign([1, 2, 3]).Length);
    }

    [Fact]
    public void Open_UnknownTokenLabel_RefusedNamingTheLabel()
    {
        var options = softHsm.CreateToken() with { TokenLabel = "no-such-token" };

        var ex = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(options));

        Assert.Contains("No PKCS#11 token labelled 'no-such-token'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(options.UserPin, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingLibrary_RefusedWithTheFix()
    {
        var options = softHsm.CreateToken() with { LibraryPath = "/nonexistent/libpkcs11.so" };

        var ex = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(options));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_OneOfTwoProvidersOnTheToken_TheOtherKeepsWorking()
    {
        var options = softHsm.CreateToken();
        var dataKey = SubjectDataCipher.NewDataKey();
        using var kept = Pkcs11KeyProvider.Open(options);
        var wrapped = kept.Wrap(dataKey, Aad);

        Pkcs11KeyProvider.Open(options).Dispose();

        Assert.Equal(dataKey, kept.Unwrap(wrapped, Aad, "r1"));
        Assert.Throws<ObjectDisposedException>(() => { var closed = Pkcs11KeyProvider.Open(options); closed.Dispose(); closed.Wrap(dataKey, Aad); });
    }

    [Fact]
    public void Unwrap_VersionRotatedByAnotherProvider_FoundOnTheToken()
    {
        var options = softHsm.CreateToken();
        var dataKey = SubjectDataCipher.NewDataKey();
        using var stale = Pkcs11KeyProvider.Open(options);
        using var rotating = Pkcs11KeyProvider.Open(options);
        rotating.Rotate();
        var wrapped = rotating.Wrap(dataKey, Aad);

        Assert.Equal(dataKey, stale.Unwrap(wrapped, Aad, "r1"));
        Assert.Equal(3, stale.Rotate());
    }

    [Fact]
    public void Unwrap_VersionRetiredByAnotherProvider_UnknownKeyVersion()
    {
        var options = softHsm.CreateToken();
        using var staleReader = Pkcs11KeyProvider.Open(options);
        using var staleWriter = Pkcs11KeyProvider.Open(options);
        var wrapped = staleReader.Wrap(SubjectDataCipher.NewDataKey(), Aad);
        using (var retiring = Pkcs11KeyProvider.Open(options))
        {
            retiring.Rotate();
            retiring.Retire(1);
        }

        var ex = Assert.Throws<ProtectedDataException>(() => staleReader.Unwrap(wrapped, Aad, "r1"));

        Assert.Equal(ProtectedDataFailure.UnknownKeyVersion, ex.Reason);
        Assert.Equal(2, staleWriter.Wrap(SubjectDataCipher.NewDataKey(), Aad).KeyVersion);
    }

    [Fact]
    public void WrapAndUnwrap_FromManyThreads_AllRoundTrip()
    {
        using var provider = Pkcs11KeyProvider.Open(softHsm.CreateToken());

        var results = Enumerable.Range(0, 64).AsParallel().Select(i =>
        {
            var aad = Encoding.ASCII.GetBytes($"subject-{i}");
            var dataKey = SubjectDataCipher.NewDataKey();
            return dataKey.AsSpan().SequenceEqual(provider.Unwrap(provider.Wrap(dataKey, aad), aad, "r1"));
        }).ToList();

        Assert.All(results, Assert.True);
    }

    [Fact]
    public void Open_EmptyTokenOverAStoreThatHoldsData_RefusedAndNothingCreated()
    {
        var options = softHsm.CreateToken();

        var ex = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(options, new StoreContents("db", WrappedKeys: true, SignedRecords: true, AuditRecords: true)));

        Assert.Contains("not the token the database was created with", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, CountObjects(options));
    }

    [Fact]
    public void Open_EmptyTokenOverAStoreWithOnlyAuditRecords_RefusedAndNothingCreated()
    {
        var options = softHsm.CreateToken();

        Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(options, new StoreContents("db", WrappedKeys: false, SignedRecords: false, AuditRecords: true)));

        Assert.Equal(0, CountObjects(options));
    }

    [Fact]
    public void Open_EmptyTokenOverAnEmptyStore_CreatesTheKeysAndTheSigningPair()
    {
        var options = softHsm.CreateToken();

        using (var provider = Pkcs11KeyProvider.Open(options, new StoreContents("db", WrappedKeys: false, SignedRecords: false, AuditRecords: false)))
        {
            Assert.True(provider.HasSigningKey);
            Assert.Equal([1], provider.Versions);
        }

        Assert.Equal(3, CountObjects(options));
    }

    [Fact]
    public void Open_NoSigningPairOverSignedData_RefusedAndNothingCreated()
    {
        var options = softHsm.CreateToken();
        Pkcs11KeyProvider.Open(options).Dispose();
        RemoveSigningPair(options);

        var ex = Assert.Throws<KeyProviderException>(() => Pkcs11KeyProvider.Open(options, new StoreContents("db", WrappedKeys: true, SignedRecords: true, AuditRecords: true)));

        Assert.Contains("holds no 'visage-signing' key pair", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, CountObjects(options));
    }

    [Fact]
    public void Open_NoSigningPairOverUnsignedData_OpensWithoutCreatingIt_AddSigningKeyIfMissingCreatesIt()
    {
        var options = softHsm.CreateToken();
        Pkcs11KeyProvider.Open(options).Dispose();
        RemoveSigningPair(options);
        byte[] publicKey, signature;
        using (var provider = Pkcs11KeyProvider.Open(options, new StoreContents("db", WrappedKeys: true, SignedRecords: false, AuditRecords: false)))
        {
            Assert.False(provider.HasSigningKey);
            Assert.Throws<KeyProviderException>(() => provider.Sign([1]));
            Assert.Equal(1, CountObjectsWhileOpen(provider));

            Assert.True(provider.AddSigningKeyIfMissing());
            Assert.False(provider.AddSigningKeyIfMissing());
            signature = provider.Sign([1]);
            publicKey = provider.ExportSigningPublicKey();
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        Assert.True(ecdsa.VerifyData((byte[])[1], signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(3, CountObjects(options));
    }

    [Fact]
    public void Refresh_SigningPairAddedByAnotherProvider_Seen()
    {
        var options = softHsm.CreateToken();
        Pkcs11KeyProvider.Open(options).Dispose();
        RemoveSigningPair(options);
        var unsigned = new StoreContents("db", WrappedKeys: true, SignedRecords: false, AuditRecords: false);
        using var stale = Pkcs11KeyProvider.Open(options, unsigned);
        using (var adding = Pkcs11KeyProvider.Open(options, unsigned))
        {
            adding.AddSigningKeyIfMissing();
        }

        stale.Refresh();

        Assert.True(stale.HasSigningKey);
        Assert.False(stale.AddSigningKeyIfMissing());
    }

    private static int CountObjects(Pkcs11Options options) =>
        SoftHsmFixture.Inspect(options, (session, _) => session.FindAllObjects([]).Count);

    /// <summary>Counts through the provider's own module while it is open (the fixture's Inspect must not run then).</summary>
    private static int CountObjectsWhileOpen(Pkcs11KeyProvider provider)
    {
        provider.Refresh();
        return provider.Versions.Count + (provider.HasSigningKey ? 2 : 0);
    }

    private static void RemoveSigningPair(Pkcs11Options options) =>
        SoftHsmFixture.Inspect(
            options,
            (session, factories) =>
            {
                foreach (var handle in session.FindAllObjects([factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, Pkcs11KeyProvider.SigningKeyLabel)]))
                {
                    session.DestroyObject(handle);
                }

                return 0;
            },
            readWrite: true);
}
