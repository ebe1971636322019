using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// Where the chain keeps its anchor file when none is configured, so that every chain anchors itself and
/// <c>visage audit verify</c> finds the file without being told: beside a SQLite database
/// (<c>visage.db.audit-anchors</c>), or in the data directory for PostgreSQL, named after the database
/// (<c>postgres-&lt;16 hex digits&gt;.audit-anchors</c>, a hash of host, port and database name) so two databases never share one.
/// </summary>
public static class CheckpointAnchorLocation
{
    public const string Extension = ".audit-anchors";

    /// <param name="dataDirectory">The configured data directory (<c>StorageOptions.ResolveDataDirectory()</c>); used for PostgreSQL only.</param>
    public static string For(VisageDatabase database, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        if (database is SqliteDatabase sqlite)
        {
            return sqlite.FilePath + Extension;
        }

        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database.Description)), 0, 8);
        return Path.Combine(Path.GetFullPath(dataDirectory), string.Create(CultureInfo.InvariantCulture, $"postgres-{name}{Extension}"));
    }

    /// <summary>The location with the default data directory ($XDG_DATA_HOME/visage or ~/.local/share/visage) for PostgreSQL.</summary>
    public static string Default(VisageDatabase database) => For(database, new StorageOptions().ResolveDataDirectory());
}
