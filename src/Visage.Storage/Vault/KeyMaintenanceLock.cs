using System.Diagnostics;

namespace Visage.Storage;

/// <summary>
/// The store-wide lock that every change of key material takes (key rotation, template renewal, creating a store's
/// first keys), so two processes never change one store's keys at once: an exclusive flock on a file beside a SQLite
/// database, a session advisory lock on PostgreSQL (so nodes on other machines are excluded too). Released when
/// disposed, or by the kernel or server when the process dies.
/// </summary>
public static class KeyMaintenanceLock
{
    public const string Role = "key-maintenance";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="wait"/> while another process holds it (zero: refuse at once);
    /// then throws a <see cref="StorageException"/> saying so. Nothing has been changed when it throws.
    /// </summary>
    public static async Task<IAsyncDisposable> AcquireAsync(VisageDatabase database, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await database.AcquireExclusiveRoleAsync(Role, cancellationToken);
            }
            catch (StorageException ex)
            {
                if (Stopwatch.GetElapsedTime(started) >= wait)
                {
                    var waited = wait > TimeSpan.Zero ? $"waited {wait.TotalSeconds:0} s" : "did not wait";
                    throw new StorageException(
                        $"Another Visage process is changing the keys of {database.Description} (keys rotate, templates renew, or a first start); {waited}. " +
                        "Nothing was changed. Run this again when it has finished, or give --wait SECONDS to wait for it.", ex);
                }

                await Task.Delay(Poll, cancellationToken);
            }
        }
    }
}
