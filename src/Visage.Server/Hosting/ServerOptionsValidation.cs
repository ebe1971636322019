using System.Net;
using Microsoft.Extensions.Options;

namespace Visage.Server.Hosting;

/// <summary>Start-up validation of the server section, each failure named by its setting.</summary>
internal sealed class ServerOptionsValidation(string section) : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out var address))
        {
            failures.Add($"{section}:Address must be an IP address such as 127.0.0.1 or 0.0.0.0.");
        }

        if (options.HttpsPort is < 0 or > 65535)
        {
            failures.Add($"{section}:HttpsPort must be from 0 to 65535 (default 8443).");
        }

        if (options.LoopbackHttpPort is < 0 or > 65535)
        {
            failures.Add($"{section}:LoopbackHttpPort must be from 0 (off) to 65535.");
        }
        else if (options.LoopbackHttpPort > 0 && address is not null && !IPAddress.IsLoopback(address))
        {
            failures.Add($"{section}:LoopbackHttpPort is allowed only when {section}:Address is a loopback address: plain HTTP never leaves the host.");
        }

        if (options.RequestsPerMinute is < 1 or > 1_000_000_000)
        {
            failures.Add($"{section}:RequestsPerMinute must be a whole number from 1 (default 1200).");
        }

        if (options.SignInsPerMinute is < 1 or > 1_000_000)
        {
            failures.Add($"{section}:SignInsPerMinute must be a whole number from 1 (default 10).");
        }

        if (options.CertificateFile is { Length: > 0 } file && !File.Exists(file))
        {
            failures.Add($"{section}:CertificateFile does not name a readable file (its path is not shown).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
