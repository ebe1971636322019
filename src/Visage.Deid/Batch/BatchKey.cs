using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Visage.Deid.Batch;

/// <summary>
/// The secret that keeps a batch consistent: replacement UIDs, per-patient date offsets and output file names are
/// HMAC-SHA256 of the original value under this key, so the same study gets the same new UIDs in every file (and in
/// a resumed or later run with the same key), while nobody without the key can link them back.
/// </summary>
public sealed class BatchKey : IDisposable
{
    public const int KeyBytes = 32;
    private readonly byte[] key;

    public BatchKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"A batch key is {KeyBytes} bytes.", nameof(key));
        }

        this.key = (byte[])key.Clone();
    }

    public static BatchKey Create() => new(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>A copy of the key, to hand to a worker process over a private pipe (never a file, argument or variable).</summary>
    internal byte[] Export() => (byte[])key.Clone();

    /// <summary>A DICOM UID "2.25.&lt;decimal of 128 bits&gt;" (PS3.5 B.2) derived from the original UID.</summary>
    public string DeriveUid(string originalUid)
    {
        ArgumentNullException.ThrowIfNull(originalUid);
        var digest = Mac("uid", originalUid.Trim().TrimEnd('\0'));
        var value = new BigInteger(digest.AsSpan(0, 16), isUnsigned: true, isBigEndian: true);
        return "2.25." + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A whole-day offset in [-<paramref name="maxDays"/>, -1] for one patient, the same across the batch.</summary>
    public int DateOffsetDays(string patientKey, int maxDays = 3650)
    {
        ArgumentNullException.ThrowIfNull(patientKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDays, 1);
        var digest = Mac("date-offset", patientKey);
        var n = BitConverter.ToUInt32(digest, 0);
        return -(int)(n % (uint)maxDays) - 1;
    }

    /// <summary>A 20-hex-character pseudonym for a value (e.g. an input's relative path as an output file name).</summary>
    public string Pseudonym(string purpose, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(Mac(purpose, value).AsSpan(0, 10));
    }

    private byte[] Mac(string purpose, string value) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + "\0" + value));

    public void Dispose() => CryptographicOperations.ZeroMemory(key);
}
