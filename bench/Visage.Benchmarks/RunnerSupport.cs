using System.Data.Common;
using System.Globalization;
using Visage.Gallery;

namespace Visage.Benchmarks;

/// <summary>What the hand-written runners share: their `--name value` options, random unit vectors and prepared bulk inserts.</summary>
internal static class RunnerSupport
{
    public static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    /// <summary>A Gaussian vector normalised to unit length: a synthetic embedding.</summary>
    public static float[] RandomUnit(Random random)
    {
        var v = new float[FaceGallery.Dimension];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v));
        System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
        return v;
    }

    /// <summary>A prepared statement with positional parameters @p1..@pN, for bulk inserts in one transaction.</summary>
    public static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            command.Parameters.Add(p);
        }

        command.Prepare();
        return command;
    }

    public static void Bind(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    /// <summary>Sealed subjects and their templates written straight to the tables in one transaction (set-up, not measured).</summary>
    public static async Task InsertSealedAsync(Visage.Storage.VisageDatabase database, IEnumerable<(Visage.Storage.SubjectKeyRecord Subject, IReadOnlyList<Visage.Storage.TemplateRecord> Templates)> rows)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var subject = Prepare(connection, transaction, "INSERT INTO subjects (id, key_id, kek_version, wrapped_key, created_ms) VALUES (@p1, @p2, @p3, @p4, @p5);", 5);
        await using var template = Prepare(connection, transaction, "INSERT INTO templates (id, subject_id, purposes, transform_version, model_version, created_ms, ciphertext) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7);", 7);
        foreach (var (s, templates) in rows)
        {
            Bind(subject, s.SubjectId, s.KeyId, s.WrappedKey.KeyVersion, s.WrappedKey.Blob, s.Created.ToUnixTimeMilliseconds());
            await subject.ExecuteNonQueryAsync();
            foreach (var t in templates)
            {
                Bind(template, t.Id, t.SubjectId, (int)t.Purposes, t.TransformVersion, t.ModelVersion, t.Created.ToUnixTimeMilliseconds(), t.Ciphertext);
                await template.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
    }
}
