using System.CommandLine;

namespace Visage.Cli.Commands;

/// <summary><c>--wait</c> for the commands that change key material and so take the store's key-maintenance lock.</summary>
internal static class MaintenanceWaitOption
{
    private const int MaxSeconds = 86_400;

    public static Option<int> Create() => IntegerOption.Create(
        "--wait",
        "Seconds to wait while another key maintenance (keys rotate, templates renew) holds this store's lock, or another process writes its audit log; 0, the default, refuses at once",
        0,
        0,
        MaxSeconds);
}
