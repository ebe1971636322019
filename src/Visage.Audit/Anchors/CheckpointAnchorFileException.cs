namespace Visage.Audit;

/// <summary>
/// A checkpoint anchor file holds something other than complete checkpoint lines (random bytes, a line cut short, an
/// edited line), or holds none where the database says it should. The message names the file and the line, never
/// the content.
/// </summary>
public sealed class CheckpointAnchorFileException : Exception
{
    public CheckpointAnchorFileException(string message)
        : base(message)
    {
    }

    public CheckpointAnchorFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CheckpointAnchorFileException()
    {
    }
}
