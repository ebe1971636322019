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
            AnsiConsole.MarkupLineInterpolated($"data directory {app.Services.GetRequiredService<IOptions<Visage.Storage.StorageOptions>>().Value.ResolveDataDirectory()}");
            AnsiConsole.MarkupLineInterpolated($"certificate SHA-256 {app.Services.GetRequiredService<ServerCertificate>().Sha256Fingerprint} (pin it in clients, or set Server__CertificateFile to your CA's)");
            if (await app.FirstRunSetupPathAsync(cancellationToken) is { } setup)
            {
                var origin = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal))?.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) ?? string.Empty;
                var token = setup[(setup.IndexOf('#', StringComparison.Ordinal) + 1)..];
                // Plain console output: the token and the command must never be wrapped.
                await Console.Out.WriteLineAsync("First run: no administrator has an account yet. Open this one-time link in a browser to set one up (valid 24 h; each start prints a new one and voids the last, until set-up is done):");
                await Console.Out.WriteLineAsync($"  {origin}{setup}");
                await Console.Out.WriteLineAsync("or use its token with the API:");
                await Console.Out.WriteLineAsync($"  {token}");
                await Console.Out.WriteLineAsync($"  curl -sk {origin}/api/v1/setup -H 'content-type: application/json' -d '{{\"token\":\"{token}\",\"userId\":\"your.id\",\"password\":\"a long passphrase\"}}'");
                await Console.Out.WriteLineAsync("The answer holds the TOTP seed for an authenticator app and ten recovery codes (shown once); then sign in at /signin (or POST /api/v1/session). API reference: /scalar");
                await Console.Out.FlushAsync(cancellationToken);
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
