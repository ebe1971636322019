namespace Visage.Deid.Batch;

/// <summary>
/// Where a batch reads and writes: the input folder, the flat output folder (the release: only complete files whose
/// rescan found nothing) and the secure zone beside it, <c>&lt;OUT&gt;.deid</c>, which holds the key, the reports, the
/// mapping back to input paths, files in progress (<see cref="Work"/>) and files the rescan flagged
/// (<see cref="Quarantine"/>), and so must never be released with the output.
/// </summary>
public sealed record DeidFolders(string Input, string Output)
{
    public const string SecureZoneSuffix = ".deid";

    public string SecureZone => Output + SecureZoneSuffix;

    public string FileReports => Path.Combine(SecureZone, "files");

    public string ReportJson => Path.Combine(SecureZone, "report.json");

    public string SummaryMarkdown => Path.Combine(SecureZone, "summary.md");

    public string DefaultKeyFile => Path.Combine(SecureZone, "batch.key");

    /// <summary>Partial outputs while a file is being de-identified and verified; emptied at every start.</summary>
    internal string Work => Path.Combine(SecureZone, "work");

    /// <summary>Outputs whose rescan still found identifying data: kept out of the release until a person releases them.</summary>
    public string Quarantine => Path.Combine(SecureZone, "quarantine");

    /// <summary>Held (flock) while a batch runs, so two batches never share one output folder.</summary>
    internal string LockFile => Path.Combine(SecureZone, "batch.lock");

    /// <summary>Resolves both folders to full paths and refuses layouts where one would read or overwrite the other.</summary>
    public static DeidFolders Resolve(string input, string output)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        var fullInput = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input));
        var fullOutput = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if (!Directory.Exists(fullInput))
        {
            throw new DirectoryNotFoundException("The input folder does not exist.");
        }

        var folders = new DeidFolders(fullInput, fullOutput);
        if (IsSameOrInside(fullOutput, fullInput) || IsSameOrInside(folders.SecureZone, fullInput))
        {
            throw new DeidFolderException("The output folder (or its .deid report folder) is inside the input folder; choose an output outside it.");
        }

        if (IsSameOrInside(fullInput, fullOutput) || IsSameOrInside(fullInput, folders.SecureZone))
        {
            throw new DeidFolderException("The input folder is inside the output folder; choose an output outside it.");
        }

        return folders;
    }

    /// <summary>The folders of an existing batch's output, for commands that do not read the input (a release).</summary>
    public static DeidFolders ForOutput(string output)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        var fullOutput = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        var folders = new DeidFolders(string.Empty, fullOutput);
        if (!Directory.Exists(fullOutput) || !Directory.Exists(folders.SecureZone))
        {
            throw new DeidFolderException("No de-identification batch output there (the folder or its .deid folder is missing).");
        }

        return folders;
    }

    /// <summary>A key kept inside the output would be released with the data it protects.</summary>
    public void CheckKeyFile(string keyFile)
    {
        if (IsSameOrInside(Path.GetFullPath(keyFile), Output))
        {
            throw new DeidFolderException("The batch key file must not be inside the output folder.");
        }
    }

    internal static bool IsSameOrInside(string path, string folder) =>
        string.Equals(path, folder, StringComparison.Ordinal)
        || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
