namespace Visage.Cli.Commands;

/// <summary>
/// Reports on the caller's thread (unlike <see cref="Progress{T}"/>, which posts), so a progress bar follows each
/// committed batch of a long store command.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
