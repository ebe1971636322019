using System.CommandLine;

namespace Visage.Cli.Commands;

/// <summary><c>--wait</c> for the commands that change key material and so take the store's key-maintenance lock.</summary>
internal static class MaintenanceWaitOption
{
    private const int MaxSeconds = 86_400;

    public static Option<int> Create()
    {
        var option = new Option<int>("--wait")
        {
            Description = "Seconds to wait while another key maintenance (keys rotate, templates renew) holds this store's lock; 0, the default, refuses at once.",
            DefaultValueFactory = _ => 0,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > MaxSeconds)
            {
                result.AddError($"--wait must be between 0 and {MaxSeconds} seconds.");
            }
        });
        return option;
    }
}
