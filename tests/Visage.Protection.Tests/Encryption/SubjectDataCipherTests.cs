namespace Visage.Protection.Tests.Encryption;

public sealed class SubjectDataCipherTests
{
    private static readonly byte[] Key = SubjectDataCipher.NewDataKey();
    private static readonly RecordBinding Binding = new(Guid.NewGuid(), Guid.NewGuid(), "template");
    private static readonly byte[] Plaintext = [.. Enumerable.Range(0, 2048).Select(i => (byte)i)];

    [Fact]
    public void Decrypt_WhatWasEncrypted_RoundTrips()
    {
        var sealedBytes = SubjectDataCipher.Encrypt(Key, Binding, Plaintext);

        Assert.Equal(Plaintext, SubjectDataCipher.Decrypt(Key, Binding, sealedBytes));
        Assert.Equal(SubjectDataCipher.FormatVersion1, sealedBytes[0]);
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_GivesDifferentCiphertexts()
    {
        Assert.NotEqual(SubjectDataCipher.Encrypt(Key, Binding, Plaintext), SubjectDataCipher.Encrypt(Key, Binding, Plaintext));
    }

    [Theory]
    [InlineData("record")]
    [InlineData("subject")]
    [InlineData("kind")]
    public void Decrypt_CiphertextMovedToAnotherRecord_FailsAuthenticationNamingTheRecord(string moved)
    {
        var sealedBytes = SubjectDataCipher.Encrypt(Key, Binding, Plaintext);
        var other = moved switch
        {
            "record" => Binding with { RecordId = Guid.NewGuid() },
            "subject" => Binding with { SubjectId = Guid.NewGuid() },
            _ => Binding with { Kind = "evidence-image" },
        };

        var ex = Assert.Throws<ProtectedDataException>(() => SubjectDataCipher.Decrypt(Key, other, sealedBytes));

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, ex.Reason);
        Assert.Equal(other.RecordId.ToString("N"), ex.RecordId);
        Assert.Contains(other.RecordId.ToString("N"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_OneBitFlipped_FailsAuthentication()
    {
        var sealedBytes = SubjectDataCipher.Encrypt(Key, Binding, Plaintext);
        sealedBytes[100] ^= 0x04;

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, Assert.Throws<ProtectedDataException>(() => SubjectDataCipher.Decrypt(Key, Binding, sealedBytes)).Reason);
    }

    [Fact]
    public void Decrypt_WrongKey_FailsAuthentication()
    {
        var sealedBytes = SubjectDataCipher.Encrypt(Key, Binding, Plaintext);

        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, Assert.Throws<ProtectedDataException>(() => SubjectDataCipher.Decrypt(SubjectDataCipher.NewDataKey(), Binding, sealedBytes)).Reason);
    }

    [Fact]
    public void Decrypt_Truncated_RefusedAsTruncated()
    {
        var sealedBytes = SubjectDataCipher.Encrypt(Key, Binding, Plaintext);

        Assert.Equal(ProtectedDataFailure.Truncated, Assert.Throws<ProtectedDataException>(() => SubjectDataCipher.Decrypt(Key, Binding, sealedBytes.AsSpan(0, 20))).Reason);
        Assert.Equal(ProtectedDataFailure.AuthenticationFailed, Assert.Throws<ProtectedDataException>(() => SubjectDataCipher.Decrypt(Key, Binding, sealedBytes.AsSpan(0, sealedBytes.Length - 1))).Reason);
    }

    [Fact]
    public void Decrypt_UnknownFormatVersion_Refused()
    {
        var sealedBytes = SubjectDataCipher.Encrypt(Key, Binding, Plaintext);
        sealedBytes[0] = 9;

        Assert.Equal(ProtectedDataFailure.UnknownFormatVersion, Assert.Throws<ProtectedDataException>(() => SubjectDataCipher.Decrypt(Key, Binding, sealedBytes)).Reason);
    }
}
