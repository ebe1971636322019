using System.ComponentModel.DataAnnotations;

namespace Visage.Storage;

/// <summary>Where protected data lives and which key provider guards it; bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default: one file in the data directory) or <c>postgres</c>.</summary>
    [Required]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Holds the SQLite file and the key file; defaults to $XDG_DATA_HOME/visage or ~/.local/share/visage.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Npgsql connection string, required when Provider is postgres. Give the password through the environment, not a file in the repository.</summary>
    public string? Postgres { get; set; }

    public KeyOptions Keys { get; set; } = new();

    public string ResolveDataDirectory()
    {
        if (!string.IsNullOrWhiteSpace(DataDirectory))
        {
            return Path.GetFullPath(DataDirectory);
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share") : xdg;
        return Path.Combine(root, "visage");
    }

    /// <summary>Throws a <see cref="StorageException"/> listing every problem <see cref="Validate"/> finds.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Validate().ToList();
        if (problems.Count > 0)
        {
            throw new StorageException(string.Join(" ", problems));
        }
    }

    /// <summary>Problems that would stop Visage from starting, each with the setting to fix (under <paramref name="section"/>).</summary>
    public IEnumerable<string> Validate(string section = "Storage")
    {
        if (Provider is not ("sqlite" or "postgres"))
        {
            yield return $"{section}:Provider must be 'sqlite' or 'postgres', not '{Provider}'.";
        }

        if (Provider == "postgres" && string.IsNullOrWhiteSpace(Postgres))
        {
            yield return $"{section}:Postgres (an Npgsql connection string) is required when {section}:Provider is 'postgres'.";
        }

        if (!string.IsNullOrWhiteSpace(DataDirectory) && File.Exists(DataDirectory))
        {
            yield return $"{section}:DataDirectory names a file; it must be a folder (created 0700 when missing).";
        }

        if (Keys is null || Keys.Provider is not ("file" or "pkcs11"))
        {
            yield return $"{section}:Keys:Provider must be 'file' or 'pkcs11'.";
        }
        else if (Keys.Provider == "pkcs11" && (string.IsNullOrWhiteSpace(Keys.Pkcs11Library) || string.IsNullOrWhiteSpace(Keys.Pkcs11Token) || string.IsNullOrEmpty(Keys.Pkcs11Pin)))
        {
            yield return $"{section}:Keys:Pkcs11Library, Pkcs11Token and Pkcs11Pin (set the PIN through the environment, e.g. VISAGE_Storage__Keys__Pkcs11Pin) are required for the pkcs11 key provider.";
        }
        else if (Keys.Provider == "pkcs11" && Path.IsPathRooted(Keys.Pkcs11Library) && !System.IO.File.Exists(Keys.Pkcs11Library))
        {
            yield return $"{section}:Keys:Pkcs11Library names no file; give the PKCS#11 module's path (e.g. /usr/lib/softhsm/libsofthsm2.so).";
        }
        else if (Keys.Provider == "file" && !string.IsNullOrWhiteSpace(Keys.File) && Directory.Exists(Keys.File))
        {
            yield return $"{section}:Keys:File names a folder; it must be the key file's path (created 0600 when missing), or unset for visage.keys in the data directory.";
        }
    }
}

public sealed class KeyOptions
{
    /// <summary><c>file</c> (default: an owner-only key file in the data directory) or <c>pkcs11</c> (an HSM).</summary>
    public string Provider { get; set; } = "file";

    /// <summary>Key file path; defaults to visage.keys in the data directory.</summary>
    public string? File { get; set; }

    public string? Pkcs11Library { get; set; }

    public string? Pkcs11Token { get; set; }

    public string? Pkcs11Pin { get; set; }
}
