using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Visage.Storage.Tests;

/// <summary>
/// A real, throwaway PostgreSQL cluster: initdb into a temp directory, listening on a free loopback port, removed
/// at the end. Debian's server binaries are used (scripts/test installs the postgresql package). initdb refuses
/// to run as root, so under root the cluster runs as the postgres user.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"visage-pg-{Guid.NewGuid():N}");
    private int port;
    private int databases;

    public string DataDirectory => Path.Combine(directory, "data");

    public async Task InitializeAsync()
    {
        var bin = FindServerBinaries();
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false);
        }

        port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", DataDirectory, "-U", "visage", "--auth=trust", "-E", "UTF8", "--no-sync"], asRoot);
        string[] options = ["-D", DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={directory} -c fsync=off", "start"];
        await RunAsync(Path.Combine(bin, "pg_ctl"), options, asRoot);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"visage_test_{Interlocked.Increment(ref databases)}";
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", admin);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(FindServerBinaries(), "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=visage;Database={database};Pooling=true";

    private static string FindServerBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.Parse(Path.GetFileName(Path.GetDirectoryName(d))!, CultureInfo.InvariantCulture)).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/test, which installs Debian's postgresql package.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await error} {await output}");
        }
    }
}
