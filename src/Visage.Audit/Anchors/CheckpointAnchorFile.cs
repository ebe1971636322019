using System.Globalization;
using System.Text;

namespace Visage.Audit;

/// <summary>
/// An append-only text file of signed checkpoints, one per line:
/// <c>v1 &lt;sequence&gt; &lt;count&gt; &lt;time ms&gt; &lt;hash&gt; &lt;key fingerprint&gt; &lt;signature&gt;</c> (binary fields in base64).
/// The chain writes one by default (<see cref="CheckpointAnchorLocation"/>); each line is flushed to disk as it is
/// written. The signature, not the file, is what is trusted: <c>visage audit verify</c> checks every line's signature
/// and holds the database to it. The file is created 0600 (its directory 0700 when this creates it), whatever the umask.
/// </summary>
public sealed class CheckpointAnchorFile : IAuditCheckpointSink, IDisposable
{
    /// <summary>Longer than any line this class writes (about 200 characters), short enough that a device or a huge file is refused quickly.</summary>
    internal const int MaxLineLength = 512;

    private const string Version = "v1";
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    /// <summary>Every character a line can hold: digits, spaces and base64.</summary>
    private static readonly System.Buffers.SearchValues<char> LineCharacters =
        System.Buffers.SearchValues.Create("0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/=v");

    private readonly Lock gate = new();
    private readonly FileStream stream;

    /// <summary>
    /// Opens (or creates) the file for appending. What it already holds is read first: a last line cut short by a
    /// crash mid-append is removed (it was never complete), anything else malformed is refused, since appending
    /// after it would bury the damage.
    /// </summary>
    /// <exception cref="CheckpointAnchorFileException">The file holds something other than complete checkpoint lines.</exception>
    public CheckpointAnchorFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        CreatePrivateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        stream = new FileStream(Path, options);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                // An existing file keeps its mode; a file this opens is owner-only whatever it had or the umask gave.
                File.SetUnixFileMode(stream.SafeFileHandle, PrivateFile);
            }

            var (checkpoints, complete) = Parse(stream, Path, repairTornTail: true);
            if (complete < stream.Length)
            {
                stream.SetLength(complete);
                stream.Flush(flushToDisk: true);
            }

            Existing = checkpoints;
            stream.Seek(0, SeekOrigin.End);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The checkpoints the file held when it was opened.</summary>
    public IReadOnlyList<AuditCheckpoint> Existing { get; }

    public void Publish(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var bytes = Encoding.ASCII.GetBytes(Format(checkpoint));
        lock (gate)
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Reads every checkpoint. Anything but complete, well-formed lines — bytes that are not text, a line cut short
    /// (even the last), a line that is not a checkpoint — is refused: only this class writes the file, so damage means
    /// it was edited or is not an anchor file. An empty file reads as no checkpoints (see docs/audit.md for when that
    /// is accepted).
    /// </summary>
    /// <exception cref="CheckpointAnchorFileException">The file is not a well-formed anchor file.</exception>
    public static IReadOnlyList<AuditCheckpoint> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Parse(stream, full, repairTornTail: false).Checkpoints;
    }

    public void Dispose() => stream.Dispose();

    internal static string Format(AuditCheckpoint checkpoint) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Version} {checkpoint.Sequence} {checkpoint.RecordCount} {checkpoint.TimeUtc.ToUnixTimeMilliseconds()} {Convert.ToBase64String(checkpoint.Hash)} {Convert.ToBase64String(checkpoint.KeyFingerprint)} {Convert.ToBase64String(checkpoint.Signature)}\n");

    private static void CreatePrivateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, PrivateDirectory);
        File.SetUnixFileMode(directory, PrivateDirectory);
    }

    /// <summary>
    /// Streams the lines (a device or a huge file is refused at the first over-long line, not read whole). Returns the
    /// checkpoints and the length of the complete lines. With <paramref name="repairTornTail"/>, a last line without its
    /// newline that could be the start of one this class wrote, possibly followed by the zeros a crash can leave, is
    /// left out; otherwise it is an error.
    /// </summary>
    private static (List<AuditCheckpoint> Checkpoints, long Complete) Parse(Stream stream, string path, bool repairTornTail)
    {
        var checkpoints = new List<AuditCheckpoint>();
        var line = new StringBuilder(MaxLineLength);
        var buffer = new byte[64 * 1024];
        long offset = 0;
        long complete = 0;
        var number = 1;
        var sawNul = false;
        int read;
        stream.Seek(0, SeekOrigin.Begin);
        while ((read = stream.Read(buffer)) > 0)
        {
            for (var i = 0; i < read; i++, offset++)
            {
                var b = buffer[i];
                if (b == (byte)'\n' && !sawNul)
                {
                    checkpoints.Add(Parse(line.ToString()) ?? throw Malformed(path, number, "is not a checkpoint"));
                    line.Clear();
                    complete = offset + 1;
                    number++;
                }
                else if (b == 0 && repairTornTail)
                {
                    sawNul = true;
                }
                else if (sawNul || b is < 0x20 or > 0x7E)
                {
                    throw Malformed(path, number, "holds bytes that are not checkpoint text (this is not an anchor file, or it was damaged)");
                }
                else if (line.Length == MaxLineLength)
                {
                    throw Malformed(path, number, "is longer than any checkpoint line (this is not an anchor file)");
                }
                else
                {
                    line.Append((char)b);
                }
            }
        }

        if (line.Length > 0 || sawNul)
        {
            if (!repairTornTail || !CouldBeStartOfLine(line.ToString()))
            {
                throw Malformed(path, number, "is incomplete: the file ends part-way through it (cut short or edited)");
            }
        }

        return (checkpoints, complete);
    }

    private static bool CouldBeStartOfLine(string partial)
    {
        var expected = Version + " ";
        var head = Math.Min(partial.Length, expected.Length);
        return partial.AsSpan(0, head).SequenceEqual(expected.AsSpan(0, head))
            && partial.AsSpan(head).IndexOfAnyExcept(LineCharacters) < 0;
    }

    private static CheckpointAnchorFileException Malformed(string path, int line, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The checkpoint anchor file {path} is malformed: line {line} {problem}."));

    private static AuditCheckpoint? Parse(string line)
    {
        var fields = line.Split(' ');
        if (fields.Length != 7 || fields[0] != Version
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var timeMs)
            || sequence < 1)
        {
            return null;
        }

        try
        {
            var checkpoint = new AuditCheckpoint(
                sequence, Convert.FromBase64String(fields[4]), count, DateTimeOffset.FromUnixTimeMilliseconds(timeMs),
                Convert.FromBase64String(fields[5]), Convert.FromBase64String(fields[6]));
            return checkpoint.Hash.Length == AuditEncoding.HashLength && checkpoint.KeyFingerprint.Length == AuditEncoding.HashLength && checkpoint.Signature.Length > 0
                ? checkpoint
                : null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
