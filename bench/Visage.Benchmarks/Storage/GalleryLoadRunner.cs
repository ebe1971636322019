using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;
using Visage.Storage.Migrations;
using static Visage.Benchmarks.RunnerSupport;

namespace Visage.Benchmarks.Storage;

/// <summary>
/// <c>gallery-load --sizes 100000,1000000 [--postgres "Host=…"]</c>: fills a fresh store with N encrypted synthetic
/// templates (one subject each, real per-subject data keys wrapped by a file key provider), then times loading
/// the gallery from it the way a node starts: stream, unwrap, decrypt, quantise. The reference in the same run
/// is the bare row stream (no crypto, no gallery), so the ratio shows what the protection costs.
/// </summary>
internal static class GalleryLoadRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = Option(args, "--sizes", "100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var postgres = Option(args, "--postgres", string.Empty);
        var lines = new List<string>
        {
            "| database | templates | fill (s) | row stream only (s) | gallery load (s) | load rate (templates/s) | load / stream | gallery bytes/template |",
            "|---|---|---|---|---|---|---|---|",
        };
        foreach (var size in sizes)
        {
            lines.Add(await MeasureAsync("SQLite", size, directory => new SqliteDatabase(Path.Combine(directory, "visage.db"))));
            if (postgres.Length > 0)
            {
                lines.Add(await MeasureAsync("PostgreSQL", size, _ => new PostgresDatabase(postgres)));
            }
        }

        Console.WriteLine();
        lines.ForEach(Console.WriteLine);
        Directory.CreateDirectory("artifacts/bench");
        await File.WriteAllLinesAsync("artifacts/bench/gallery-load.md", lines);
        return 0;
    }

    private static async Task<string> MeasureAsync(string name, int size, Func<string, VisageDatabase> open)
    {
        var directory = Directory.CreateTempSubdirectory("visage-load-");
        try
        {
            await using var database = open(directory.FullName);
            await ResetAsync(database);
            await new SchemaMigrator(database).MigrateAsync();
            var keys = FileKeyProvider.OpenOrCreate(Path.Combine(directory.FullName, "visage.keys"));
            var vault = await TemplateVault.OpenAsync(new BiometricStore(database), keys);

            var fill = Stopwatch.StartNew();
            await FillAsync(database, keys, size);
            fill.Stop();
            Console.Error.WriteLine($"{name} {size:N0}: filled in {fill.Elapsed.TotalSeconds:F1} s");

            var stream = Stopwatch.StartNew();
            long rows = 0;
            await foreach (var _ in vault.Store.StreamTemplatesAsync())
            {
                rows++;
            }

            stream.Stop();

            using var gallery = new FaceGallery();
            var load = Stopwatch.StartNew();
            var loaded = await new GallerySync(vault, gallery).LoadAsync();
            load.Stop();
            if (loaded != size || rows != size)
            {
                throw new InvalidOperationException($"expected {size} templates, streamed {rows}, loaded {loaded}");
            }

            Console.Error.WriteLine($"{name} {size:N0}: stream {stream.Elapsed.TotalSeconds:F1} s, load {load.Elapsed.TotalSeconds:F1} s");
            return string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {size:N0} | {fill.Elapsed.TotalSeconds:F1} | {stream.Elapsed.TotalSeconds:F1} | {load.Elapsed.TotalSeconds:F1} | {size / load.Elapsed.TotalSeconds:N0} | {load.Elapsed.TotalSeconds / stream.Elapsed.TotalSeconds:F2} | {gallery.BytesPerTemplate:F0} |");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Bulk insert through the same sealing code enrolment uses; rows are encrypted in parallel, written in large transactions.</summary>
    private static async Task FillAsync(VisageDatabase database, IKeyProvider keys, int size)
    {
        const int Chunk = 20_000;
        for (var start = 0; start < size; start += Chunk)
        {
            var count = Math.Min(Chunk, size - start);
            var rows = new (SubjectKeyRecord Subject, TemplateRecord Template)[count];
            Parallel.For(0, count, i =>
            {
                var random = new Random(start + i);
                var vector = RandomUnit(random);
                var (subject, keyId, id) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
                var dataKey = SubjectDataCipher.NewDataKey();
                var wrapped = keys.Wrap(dataKey, KeyBindings.SubjectKey(subject, keyId));
                var now = DateTimeOffset.UtcNow;
                rows[i] = (new SubjectKeyRecord(subject, keyId, wrapped, now),
                    new TemplateRecord(id, subject, Purposes.CheckIn, 1, "synthetic@1", now, TemplateVault.Seal(dataKey, id, subject, 1, vector)));
            });

            if (database is PostgresDatabase)
            {
                await CopyAsync(database, rows);
            }
            else
            {
                await InsertSealedAsync(database, rows.Select(r => (r.Subject, (IReadOnlyList<TemplateRecord>)[r.Template])));
            }

            Console.Error.Write($"\rfilled {start + count:N0} / {size:N0}");
        }

        Console.Error.WriteLine();
    }

    private static async Task CopyAsync(VisageDatabase database, (SubjectKeyRecord Subject, TemplateRecord Template)[] rows)
    {
        await using var connection = (NpgsqlConnection)await database.OpenAsync();
        await using (var subjects = await connection.BeginBinaryImportAsync("COPY subjects (id, key_id, kek_version, wrapped_key, created_ms) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (s, _) in rows)
            {
                await subjects.WriteRowAsync(default, s.SubjectId, s.KeyId, s.WrappedKey.KeyVersion, s.WrappedKey.Blob, s.Created.ToUnixTimeMilliseconds());
            }

            await subjects.CompleteAsync();
        }

        await using var templates = await connection.BeginBinaryImportAsync("COPY templates (id, subject_id, purposes, transform_version, model_version, created_ms, ciphertext) FROM STDIN (FORMAT BINARY)");
        foreach (var (_, t) in rows)
        {
            await templates.WriteRowAsync(default, t.Id, t.SubjectId, (int)t.Purposes, t.TransformVersion, t.ModelVersion, t.Created.ToUnixTimeMilliseconds(), t.Ciphertext);
        }

        await templates.CompleteAsync();
    }

    private static async Task ResetAsync(VisageDatabase database)
    {
        if (database is not PostgresDatabase)
        {
            return;
        }

        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE IF EXISTS deletion_certificates, evidence, templates, transform_keys, subjects, schema_migrations;";
        await command.ExecuteNonQueryAsync();
    }
}
