namespace Visage.Face;

/// <summary>A labelled liveness capture from <c>spoof/*/labels.csv</c> (file,label,attack_type,...).</summary>
public sealed record LivenessSample(string File, bool IsLive, string AttackType)
{
    public static IReadOnlyList<LivenessSample> Load(string labelsCsv) =>
        System.IO.File.ReadLines(labelsCsv)
            .Skip(1)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => l.Split(','))
            .Select(f => new LivenessSample(f[0], string.Equals(f[1], "real", StringComparison.Ordinal), f[2]))
            .ToList();
}
