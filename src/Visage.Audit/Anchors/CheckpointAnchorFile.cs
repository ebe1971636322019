using System.Globalization;

namespace Visage.Audit;

/// <summary>
/// An append-only text file of signed checkpoints, one per line:
/// <c>v1 &lt;sequence&gt; &lt;count&gt; &lt;time ms&gt; &lt;hash&gt; &lt;key fingerprint&gt; &lt;signature&gt;</c> (binary fields in base64).
/// Each line is flushed to disk before the next append returns. The signature, not the file, is what is trusted:
/// <c>visage audit verify --anchors FILE</c> checks every line's signature and holds the database to it.
/// </summary>
public sealed class CheckpointAnchorFile : IAuditCheckpointSink, IDisposable
{
    private const string Version = "v1";
    private readonly Lock gate = new();
    private readonly FileStream stream;

    public CheckpointAnchorFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        stream = new FileStream(path, options);
    }

    public void Publish(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{Version} {checkpoint.Sequence} {checkpoint.RecordCount} {checkpoint.TimeUtc.ToUnixTimeMilliseconds()} {Convert.ToBase64String(checkpoint.Hash)} {Convert.ToBase64String(checkpoint.KeyFingerprint)} {Convert.ToBase64String(checkpoint.Signature)}\n");
        var bytes = System.Text.Encoding.ASCII.GetBytes(line);
        lock (gate)
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Reads every complete line. A last line without its newline (a crash mid-append) is ignored; any other
    /// malformed line is an error, since nothing but this class writes the file.
    /// </summary>
    public static IReadOnlyList<AuditCheckpoint> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = File.ReadAllText(path, System.Text.Encoding.ASCII);
        var complete = text.LastIndexOf('\n') + 1;
        var checkpoints = new List<AuditCheckpoint>();
        var number = 0;
        foreach (var line in text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            number++;
            checkpoints.Add(Parse(line) ?? throw new FormatException($"Checkpoint anchor file line {number} is malformed."));
        }

        return checkpoints;
    }

    public void Dispose() => stream.Dispose();

    private static AuditCheckpoint? Parse(string line)
    {
        var fields = line.Split(' ');
        if (fields.Length != 7 || fields[0] != Version
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var timeMs))
        {
            return null;
        }

        try
        {
            return new AuditCheckpoint(
                sequence, Convert.FromBase64String(fields[4]), count, DateTimeOffset.FromUnixTimeMilliseconds(timeMs),
                Convert.FromBase64String(fields[5]), Convert.FromBase64String(fields[6]));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
