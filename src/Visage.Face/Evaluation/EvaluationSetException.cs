using System.Globalization;

namespace Visage.Face;

/// <summary>A pair or labels file that cannot be read as one: the message names the file and the line.</summary>
public sealed class EvaluationSetException : Exception
{
    public EvaluationSetException()
    {
    }

    public EvaluationSetException(string message)
        : base(message)
    {
    }

    public EvaluationSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Only the file's name is shown: the folder may name a site or a person.</summary>
    internal static EvaluationSetException AtLine(string path, int line, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)} line {line}: {problem}"));
}
