using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Face;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.Tests.ActiveLiveness;

namespace Visage.Benchmarks.Workflows;

/// <summary>
/// <c>liveness-active</c>: BPCER and APCER per attack species (ISO/IEC 30107-3 terms) for the active head-turn challenge,
/// on what the shared data allows. Genuine responses: every three photos of one person (deepface master.csv "Yes"
/// pairs, grouped) whose measured yaw rises by at least the required turn through a middle pose, asked both ways.
/// Attacks: each photo repeated; each photo moved, tilted and rescaled; a photo and its mirror image; each
/// printed or screen capture of the spoof set repeated. Small and synthetic; the report says how small.
/// </summary>
internal static class ActiveLivenessEvaluation
{
    public static int Run(string[] args)
    {
        var data = args.Length > 1 && args[0] == "--data" ? args[1] : SharedDataLocator.Find();
        var faces = Path.Combine(data, "faces", "deepface");
        using var engine = new FaceEngine(new FaceEngineOptions(), ModelStore.OpenDefault(null));
        var clock = TimeProvider.System;
        var options = new ActiveLivenessOptions();
        var checker = new ActiveLivenessChecker(engine, clock, Options.Create(options));

        var yaw = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(faces, "img*.jpg"))
        {
            using var image = engine.Decode(File.ReadAllBytes(file));
            var found = engine.Detect(image);
            if (found.Count > 0)
            {
                using var aligned = FaceEngine.Align(image, found[0]);
                yaw[Path.GetFileName(file)] = engine.AssessQuality(found[0], aligned).YawDegrees;
            }
        }

        byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(faces, name));
        var groups = Identities(Path.Combine(faces, "master.csv"));
        var genuine = new List<string[]>();
        foreach (var group in groups)
        {
            var members = group.Where(yaw.ContainsKey).OrderBy(n => yaw[n]).ToList();
            for (var a = 0; a < members.Count; a++)
            {
                for (var c = a + 2; c < members.Count; c++)
                {
                    var total = yaw[members[c]] - yaw[members[a]];
                    var middle = members.Skip(a + 1).Take(c - a - 1).FirstOrDefault(m => yaw[m] - yaw[members[a]] >= options.MinIntermediateDegrees && yaw[members[c]] - yaw[m] >= options.MinIntermediateDegrees);
                    if (total >= options.MinYawChangeDegrees && middle is not null)
                    {
                        genuine.Add([members[a], middle, members[c]]);
                    }
                }
            }
        }

        var rows = new List<(string Species, int Count, int Passed)>();
        var genuineRefused = 0;
        foreach (var sequence in genuine)
        {
            var frames = sequence.Select(Photo).ToList();
            genuineRefused += checker.Verify(checker.Issue(LivenessInstruction.TurnLeft).Nonce, frames).Passed ? 0 : 1;
            frames.Reverse();
            genuineRefused += checker.Verify(checker.Issue(LivenessInstruction.TurnRight).Nonce, frames).Passed ? 0 : 1;
        }

        var stills = yaw.Keys.Order(StringComparer.Ordinal).ToList();
        rows.Add(Attack("same still repeated", stills.Select(s => Enumerable.Repeat(Photo(s), 3).ToList()), checker));
        rows.Add(Attack("still moved, tilted ±8°, rescaled", stills.Select(s => new List<byte[]> { StillAttacks.Warp(Photo(s), -8, 1.0, 0), StillAttacks.Warp(Photo(s), 0, 0.85, 30), StillAttacks.Warp(Photo(s), 8, 1.15, -30) }), checker));
        rows.Add(Attack("still, its mirror image, mirror again", stills.Select(s => new List<byte[]> { Photo(s), StillAttacks.Mirror(Photo(s)), StillAttacks.Mirror(Photo(s)) }), checker, both: true));
        var spoof = Path.Combine(data, "spoof", "silent_face_anti_spoofing");
        foreach (var (species, folder) in new[] { ("printed photo repeated", "fake_print"), ("screen replay repeated", "fake_screen") })
        {
            rows.Add(Attack(species, Directory.GetFiles(Path.Combine(spoof, folder)).Order(StringComparer.Ordinal).Select(f => Enumerable.Repeat(File.ReadAllBytes(f), 3).ToList()), checker));
        }

        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Active head-turn challenge, {genuine.Count} genuine sequences asked both ways ({genuine.Count * 2} responses) from {groups.Count} people's photos; turn ≥ {options.MinYawChangeDegrees}°, middle pose ≥ {options.MinIntermediateDegrees}° inside."),
            string.Empty,
            "| responses | count | accepted | rate |",
            "|---|---:|---:|---:|",
            string.Create(CultureInfo.InvariantCulture, $"| genuine (BPCER = refused) | {genuine.Count * 2} | {genuine.Count * 2 - genuineRefused} | BPCER {Rate(genuineRefused, genuine.Count * 2)} |"),
        };
        lines.AddRange(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"| attack: {r.Species} (APCER = accepted) | {r.Count} | {r.Passed} | APCER {Rate(r.Passed, r.Count)} |")));
        lines.ForEach(Console.WriteLine);
        Directory.CreateDirectory("artifacts/bench");
        File.WriteAllLines("artifacts/bench/liveness-active.md", lines);
        return 0;
    }

    private static (string, int, int) Attack(string species, IEnumerable<List<byte[]>> sequences, ActiveLivenessChecker checker, bool both = false)
    {
        int count = 0, passed = 0;
        foreach (var frames in sequences)
        {
            foreach (var instruction in both ? [LivenessInstruction.TurnLeft, LivenessInstruction.TurnRight] : new[] { LivenessInstruction.TurnLeft })
            {
                count++;
                passed += checker.Verify(checker.Issue(instruction).Nonce, frames).Passed ? 1 : 0;
            }
        }

        return (species, count, passed);
    }

    /// <summary>Wilson 95 % interval beside the rate: with samples this small the interval is the finding.</summary>
    private static string Rate(int k, int n)
    {
        if (n == 0)
        {
            return "n/a";
        }

        const double z = 1.96;
        var p = (double)k / n;
        var centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        var half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
        return string.Create(CultureInfo.InvariantCulture, $"{p:P1} (95 % CI {Math.Max(0, centre - half):P1}–{Math.Min(1, centre + half):P1})");
    }

    private static List<List<string>> Identities(string masterCsv)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            parent.TryAdd(x, x);
            while (parent[x] != x)
            {
                x = parent[x];
            }

            return x;
        }

        foreach (var line in File.ReadLines(masterCsv).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length == 3 && parts[2].Trim() == "Yes")
            {
                parent[Find(parts[0])] = Find(parts[1]);
            }
        }

        return parent.Keys.GroupBy(Find).Select(g => g.ToList()).Where(g => g.Count >= 3).ToList();
    }
}
