using Visage.Protection;
using Visage.Storage;
using Visage.Storage.Migrations;

namespace Visage.Audit.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off). The crash test starts this
/// assembly as a child process with <c>audit-load</c>, which appends as fast as it can until it is killed.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["audit-load", var databaseArgument, var keyPath, var anchorPath])
        {
            return 2;
        }

        // A connection string means PostgreSQL; anything else is a SQLite file path.
        await using VisageDatabase database = databaseArgument.StartsWith("Host=", StringComparison.Ordinal)
            ? new PostgresDatabase(databaseArgument)
            : new SqliteDatabase(databaseArgument);
        await new SchemaMigrator(database).MigrateAsync();
        var chain = await AuditChain.OpenAsync(database, FileKeyProvider.OpenOrCreate(keyPath), new AuditChainOptions { CheckpointEveryRecords = 500, AnchorFile = anchorPath });
        long acknowledged = 0;
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                var record = await chain.AppendAsync(AuditHarness.Entry(i, subject: $"s-{w}"));
                InterlockedMax(ref acknowledged, record.Sequence);
            }
        })).ToList();

        // One reporter, so the parent learns what was acknowledged without the writers contending on stdout.
        while (true)
        {
            Console.Out.WriteLine(Interlocked.Read(ref acknowledged).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Console.Out.FlushAsync();
            await Task.Delay(5);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
