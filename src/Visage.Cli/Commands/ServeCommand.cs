using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Visage.Server;
using Visage.Server.Hosting;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage serve</c>: the HTTPS server on the same configuration as every command (SQLite and the key file by default),
/// its own host composed from the same library registrations; runs until Ctrl-C or SIGTERM, then drains and stops.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var serve = new Command("serve", "Run the HTTPS server (Server__Address, Server__HttpsPort, Server__CertificateFile); Ctrl-C stops it.");
        serve.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddEnvironmentVariables("VISAGE_");
            builder.Logging.AddVisageServerConsole();
            builder.Services.AddVisageLibraries(longRunning: true);
            builder.Services.AddVisageServer("Server");
            await using var app = builder.Build();
            app.UseVisageServer();
            app.MapVisageEndpoints();
            try
            {
                await app.StartVisageAsync(cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join(" ", ex.Failures)}");
                return ExitCodes.Configuration;
            }

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            AnsiConsole.MarkupLineInterpolated($"Visage is serving {string.Join(", ", addresses)} (readiness: /health/ready). Ctrl-C stops it.");
            AnsiConsole.MarkupLineInterpolated($"certificate SHA-256 {app.Services.GetRequiredService<ServerCertificate>().Sha256Fingerprint} (pin it in clients, or set Server__CertificateFile to your CA's)");
            if (await app.FirstRunSetupPathAsync(cancellationToken) is { } setup)
            {
                var origin = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal))?.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) ?? string.Empty;
                AnsiConsole.MarkupLine("[bold]First run:[/] no administrator has set up an account yet. Open this one-time link (valid 24 h; a new one is printed at each start until set-up is done) to choose the first administrator's user id and password and receive the TOTP seed:");
                // Plain console output: the link must never be wrapped.
                await Console.Out.WriteLineAsync($"  {origin}{setup}");
                await Console.Out.FlushAsync(cancellationToken);
                AnsiConsole.MarkupLine("  (an API client posts the token after '#' to /api/v1/setup as {\"token\", \"userId\", \"password\"}; the API reference is at /scalar)");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: stop accepting, finish what is in flight, then the host closes the audit log and the store.
            }

            await app.StopAsync(CancellationToken.None);
            AnsiConsole.MarkupLine("stopped.");
            return ExitCodes.Success;
        }));
        return serve;
    }
}
