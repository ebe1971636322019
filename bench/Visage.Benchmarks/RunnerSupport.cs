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
}
