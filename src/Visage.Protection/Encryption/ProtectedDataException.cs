namespace Visage.Protection;

public enum ProtectedDataFailure
{
    Truncated,
    UnknownFormatVersion,
    UnknownKeyVersion,
    AuthenticationFailed,
}

/// <summary>A ciphertext could not be opened. Names the record by its opaque id only; never a silent wrong decrypt.</summary>
public sealed class ProtectedDataException : Exception
{
    public ProtectedDataException(string recordId, ProtectedDataFailure reason, Exception? innerException = null)
        : base($"Protected record {recordId} cannot be decrypted: {Describe(reason)}.", innerException)
    {
        RecordId = recordId;
        Reason = reason;
    }

    public ProtectedDataException()
    {
        RecordId = string.Empty;
    }

    public ProtectedDataException(string message)
        : base(message)
    {
        RecordId = string.Empty;
    }

    public ProtectedDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        RecordId = string.Empty;
    }

    public string RecordId { get; }

    public ProtectedDataFailure Reason { get; }

    private static string Describe(ProtectedDataFailure reason) => reason switch
    {
        ProtectedDataFailure.Truncated => "the ciphertext is shorter than its format allows",
        ProtectedDataFailure.UnknownFormatVersion => "the ciphertext format version is not one this build reads",
        ProtectedDataFailure.UnknownKeyVersion => "it was wrapped under a key version the key provider does not hold",
        ProtectedDataFailure.AuthenticationFailed => "authentication failed (wrong key, altered bytes, or a ciphertext moved from another record)",
        _ => reason.ToString(),
    };
}
