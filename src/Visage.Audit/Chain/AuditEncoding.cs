using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Visage.Audit;

/// <summary>
/// The canonical bytes that are hashed (records) and signed (checkpoints). Changing either layout needs a new
/// format version; stored rows carry theirs.
/// <para>
/// Record, format 1: the ASCII tag <c>VISAGE-AUDIT-RECORD</c>; one byte format version (1); sequence as a
/// big-endian int64; time as big-endian int64 Unix milliseconds (UTC); then, in this order, actor, actor role,
/// action, purpose, subject, outcome, reason, model version, correlation id, each as one presence byte
/// (0 = null, 1 = present) followed, when present, by a big-endian uint32 byte length and the UTF-8 bytes;
/// then the client address hash the same way with raw bytes; last the 32-byte previous hash.
/// Hash = SHA-256 of those bytes. Null and empty are distinct, and no field can run into the next.
/// </para>
/// <para>
/// Checkpoint, format 1: the ASCII tag <c>VISAGE-AUDIT-CHECKPOINT</c>; one byte format version (1); sequence
/// (int64 BE); the 32-byte hash of the record at that sequence; record count (int64 BE); time (int64 BE Unix
/// ms); the 32-byte key fingerprint (SHA-256 of the signing key's DER SubjectPublicKeyInfo). Signed with ECDSA
/// P-256 over SHA-256, signature r||s.
/// </para>
/// </summary>
internal static class AuditEncoding
{
    public const int RecordFormatVersion = 1;
    public const int CheckpointFormatVersion = 1;
    public const int HashLength = 32;

    private static readonly byte[] RecordTag = "VISAGE-AUDIT-RECORD"u8.ToArray();
    private static readonly byte[] CheckpointTag = "VISAGE-AUDIT-CHECKPOINT"u8.ToArray();

    /// <summary>Throws on lone surrogates rather than replacing them, so what is hashed is what is stored.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    public static byte[] GenesisHash { get; } = new byte[HashLength];

    /// <summary>The hash <paramref name="record"/> would have at <paramref name="sequence"/> (normally its own).</summary>
    public static byte[] ComputeHash(AuditRecord record, long sequence)
    {
        var hash = new byte[HashLength];
        ComputeHash(record, sequence, hash);
        return hash;
    }

    public static void ComputeHash(AuditRecord record, long sequence, Span<byte> hash)
    {
        var writer = buffer ??= new ArrayBufferWriter<byte>(512);
        writer.ResetWrittenCount();
        WriteRecord(writer, record, sequence);
        SHA256.HashData(writer.WrittenSpan, hash);
    }

    public static byte[] EncodeCheckpoint(long sequence, ReadOnlySpan<byte> hash, long recordCount, DateTimeOffset time, ReadOnlySpan<byte> keyFingerprint)
    {
        var writer = new ArrayBufferWriter<byte>(128);
        writer.Write(CheckpointTag);
        WriteByte(writer, CheckpointFormatVersion);
        WriteInt64(writer, sequence);
        WriteFixed(writer, hash);
        WriteInt64(writer, recordCount);
        WriteInt64(writer, time.ToUnixTimeMilliseconds());
        WriteFixed(writer, keyFingerprint);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] KeyFingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo) => SHA256.HashData(subjectPublicKeyInfo);

    /// <summary>True when <paramref name="checkpoint"/> names the key with <paramref name="fingerprint"/> and its signature verifies under <paramref name="key"/>.</summary>
    public static bool VerifyCheckpoint(AuditCheckpoint checkpoint, ECDsa key, ReadOnlySpan<byte> fingerprint) =>
        checkpoint.Hash.Length == HashLength
        && checkpoint.KeyFingerprint.AsSpan().SequenceEqual(fingerprint)
        && key.VerifyData(
            EncodeCheckpoint(checkpoint.Sequence, checkpoint.Hash, checkpoint.RecordCount, checkpoint.TimeUtc, checkpoint.KeyFingerprint),
            checkpoint.Signature,
            HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Rejects text the database could not store exactly (lone surrogates; NUL, which PostgreSQL text refuses).</summary>
    public static void Validate(string? value, string name)
    {
        if (value is null)
        {
            return;
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Audit fields may not contain NUL characters.", name);
        }

        try
        {
            _ = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("Audit fields must be well-formed Unicode.", name, ex);
        }
    }

    private static void WriteRecord(ArrayBufferWriter<byte> writer, AuditRecord record, long sequence)
    {
        writer.Write(RecordTag);
        WriteByte(writer, RecordFormatVersion);
        WriteInt64(writer, sequence);
        WriteInt64(writer, record.TimeUtc.ToUnixTimeMilliseconds());
        WriteText(writer, record.Actor);
        WriteText(writer, record.ActorRole);
        WriteText(writer, record.Action);
        WriteText(writer, record.Purpose);
        WriteText(writer, record.Subject);
        WriteText(writer, record.Outcome);
        WriteText(writer, record.Reason);
        WriteText(writer, record.ModelVersion);
        WriteText(writer, record.CorrelationId);
        WriteBytes(writer, record.ClientAddressHash);
        WriteFixed(writer, record.PreviousHash);
    }

    private static void WriteText(ArrayBufferWriter<byte> writer, string? value)
    {
        if (value is null)
        {
            WriteByte(writer, 0);
            return;
        }

        WriteByte(writer, 1);
        var length = StrictUtf8.GetByteCount(value);
        var span = writer.GetSpan(4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length);
        StrictUtf8.GetBytes(value, span[4..]);
        writer.Advance(4 + length);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> writer, byte[]? value)
    {
        if (value is null)
        {
            WriteByte(writer, 0);
            return;
        }

        WriteByte(writer, 1);
        var span = writer.GetSpan(4 + value.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value.Length);
        value.CopyTo(span[4..]);
        writer.Advance(4 + value.Length);
    }

    private static void WriteFixed(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        if (value.Length != HashLength)
        {
            throw new ArgumentException($"Expected {HashLength} bytes, got {value.Length}.", nameof(value));
        }

        writer.Write(value);
    }

    private static void WriteByte(ArrayBufferWriter<byte> writer, int value)
    {
        writer.GetSpan(1)[0] = (byte)value;
        writer.Advance(1);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }
}
