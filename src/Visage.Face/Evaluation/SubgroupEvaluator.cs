using System.Globalization;

namespace Visage.Face;

/// <summary>
/// Verification figures overall and per subgroup. A pair belongs to a subgroup when both its images carry the
/// attribute's value (for an impostor pair too: a mixed pair says nothing about either group). Rates at the
/// threshold get Wilson intervals; FNMR at a fixed FMR gets a percentile bootstrap over identities, seeded.
/// </summary>
public static class SubgroupEvaluator
{
    public const string All = "all";

    /// <param name="scores">One score per pair of <paramref name="set"/>, in its order.</param>
    public static SubgroupReport Evaluate(PairSet set, IReadOnlyList<float> scores, LabelSet labels, float threshold, string model, SubgroupOptions options)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        if (scores.Count != set.Pairs.Count)
        {
            throw new ArgumentException("One score per pair is needed.", nameof(scores));
        }

        var clusters = IdentityClusters.Build(set.Pairs, labels);
        var measure = new GroupMeasure(set.Pairs, scores, clusters, threshold, options);
        var overall = measure.Of(All, All, Enumerable.Range(0, set.Pairs.Count).ToList());
        var subgroups = new List<SubgroupMetrics>();
        var ratios = new List<FnmrRatio>();
        var images = set.Pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal).ToList();
        foreach (var attribute in ImageLabels.Attributes)
        {
            var values = images.Select(i => labels.For(i)?.Attribute(attribute)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (values.Count == 0)
            {
                continue;
            }

            var groups = values.Select(value => measure.Of(attribute, value, Enumerable.Range(0, set.Pairs.Count)
                .Where(i => Carries(labels, set.Pairs[i].PathA, attribute, value) && Carries(labels, set.Pairs[i].PathB, attribute, value))
                .ToList())).ToList();
            subgroups.AddRange(groups);
            ratios.Add(RatioOf(attribute, groups));
        }

        var labelled = images.Count(i => labels.For(i) is not null);
        return new SubgroupReport(set.Name, model, threshold, options, overall, subgroups, ratios, labelled, images.Count - labelled, clusters.Conflicts);
    }

    private static bool Carries(LabelSet labels, string image, string attribute, string value) =>
        string.Equals(labels.For(image)?.Attribute(attribute), value, StringComparison.Ordinal);

    private static FnmrRatio RatioOf(string attribute, List<SubgroupMetrics> groups)
    {
        var judged = groups.Where(g => g.Judgeable && g.FalseNonMatchRate.Rate is not null).ToList();
        if (judged.Count < 2)
        {
            return new FnmrRatio(attribute, null, null, null, null, null, "fewer than two subgroups large enough to judge");
        }

        var worst = judged.MaxBy(g => g.FalseNonMatchRate.Rate)!;
        var best = judged.MinBy(g => g.FalseNonMatchRate.Rate)!;
        var (w, b) = (worst.FalseNonMatchRate.Rate!.Value, best.FalseNonMatchRate.Rate!.Value);
        return b > 0
            ? new FnmrRatio(attribute, worst.Value, best.Value, w, b, w / b, null)
            : new FnmrRatio(attribute, worst.Value, best.Value, w, b, w == 0 ? 1 : null, w == 0 ? null : "the best subgroup had no false non-matches: the ratio is unbounded");
    }

    /// <summary>Measures one group of pairs of the set.</summary>
    private sealed class GroupMeasure(IReadOnlyList<ImagePair> pairs, IReadOnlyList<float> scores, IdentityClusters clusters, float threshold, SubgroupOptions options)
    {
        public SubgroupMetrics Of(string attribute, string value, List<int> members)
        {
            var genuine = members.Where(i => pairs[i].SamePerson).ToList();
            var impostor = members.Where(i => !pairs[i].SamePerson).ToList();
            var identities = members.SelectMany(i => new[] { clusters.Of(pairs[i].PathA), clusters.Of(pairs[i].PathB) }).Distinct().Count();
            var fmr = RateEstimate.Wilson(impostor.Count(i => scores[i] >= threshold), impostor.Count);
            var fnmr = RateEstimate.Wilson(genuine.Count(i => scores[i] < threshold), genuine.Count);
            var atFixedFmr = FixedFmrEstimates(genuine, impostor);
            var (verdict, reason) = Judge(genuine.Count, impostor.Count, identities, fmr, fnmr);
            return new SubgroupMetrics(attribute, value, genuine.Count, impostor.Count, identities, fmr, fnmr, atFixedFmr, verdict, reason)
            {
                GenuineScores = genuine.Select(i => scores[i]).ToList(),
                ImpostorScores = impostor.Select(i => scores[i]).ToList(),
            };
        }

        private (SubgroupVerdict, string) Judge(int genuine, int impostor, int identities, RateEstimate fmr, RateEstimate fnmr)
        {
            var shortfalls = new List<string>();
            if (genuine < options.MinGenuinePairs)
            {
                shortfalls.Add(Inv($"{genuine} genuine pairs (< {options.MinGenuinePairs})"));
            }

            if (impostor < options.MinImpostorPairs)
            {
                shortfalls.Add(Inv($"{impostor} impostor pairs (< {options.MinImpostorPairs})"));
            }

            if (identities < options.MinIdentities)
            {
                shortfalls.Add(Inv($"{identities} identities (< {options.MinIdentities})"));
            }

            if (shortfalls.Count > 0)
            {
                return (SubgroupVerdict.TooSmallToJudge, string.Join(", ", shortfalls));
            }

            var (fnmrLow, fnmrHigh) = (fnmr.Lower!.Value, fnmr.Upper!.Value);
            var (fmrLow, fmrHigh) = (fmr.Lower!.Value, fmr.Upper!.Value);
            if (fnmrLow > options.MaxFalseNonMatchRate || fmrLow > options.MaxFalseMatchRate)
            {
                return (SubgroupVerdict.MissesTargets, Inv($"FNMR [{fnmrLow:P2}, {fnmrHigh:P2}] vs ≤ {options.MaxFalseNonMatchRate:P2}; FMR [{fmrLow:P2}, {fmrHigh:P2}] vs ≤ {options.MaxFalseMatchRate:P2}"));
            }

            if (fnmrHigh <= options.MaxFalseNonMatchRate && fmrHigh <= options.MaxFalseMatchRate)
            {
                return (SubgroupVerdict.MeetsTargets, Inv($"both 95 % intervals within FNMR ≤ {options.MaxFalseNonMatchRate:P2}, FMR ≤ {options.MaxFalseMatchRate:P2}"));
            }

            var spanning = new List<string>();
            if (fnmrHigh > options.MaxFalseNonMatchRate)
            {
                spanning.Add(Inv($"FNMR interval [{fnmrLow:P2}, {fnmrHigh:P2}] spans the {options.MaxFalseNonMatchRate:P2} target"));
            }

            if (fmrHigh > options.MaxFalseMatchRate)
            {
                spanning.Add(Inv($"FMR interval [{fmrLow:P2}, {fmrHigh:P2}] spans the {options.MaxFalseMatchRate:P2} target"));
            }

            return (SubgroupVerdict.Inconclusive, string.Join("; ", spanning));
        }

        private List<FixedFmrEstimate> FixedFmrEstimates(List<int> genuine, List<int> impostor)
        {
            var targets = options.FixedFalseMatchRates;
            var estimable = targets.Where(t => impostor.Count >= FixedFmr.ImpostorsNeeded(t)).ToList();
            var intervals = estimable.Count == 0 ? [] : Bootstrap(genuine, impostor, estimable);
            return targets.Select(target =>
            {
                var needed = FixedFmr.ImpostorsNeeded(target);
                if (impostor.Count < needed)
                {
                    return new FixedFmrEstimate(target, needed, impostor.Count, false, null, null, null, null, 0);
                }

                var point = FixedFmr.At(target, Weighted(genuine, ascending: true), Weighted(impostor, ascending: false))!.Value;
                var (lower, upper, replicates) = intervals[target];
                return new FixedFmrEstimate(target, needed, impostor.Count, true, point.Fnmr, point.Threshold, lower, upper, replicates);
            }).ToList();
        }

        private WeightedScore[] Weighted(List<int> members, bool ascending)
        {
            var weighted = members.Select(i => new WeightedScore(scores[i], 1));
            return [.. ascending ? weighted.OrderBy(w => w.Score) : weighted.OrderByDescending(w => w.Score)];
        }

        /// <summary>
        /// Percentile intervals from resampling identities with replacement: a genuine pair counts as often as its
        /// person was drawn, an impostor pair as the product of its two people's draws (it depends on both).
        /// </summary>
        private Dictionary<double, (double? Lower, double? Upper, int Replicates)> Bootstrap(List<int> genuine, List<int> impostor, List<double> targets)
        {
            var people = new Dictionary<int, int>();
            int Person(string image)
            {
                var cluster = clusters.Of(image);
                if (!people.TryGetValue(cluster, out var person))
                {
                    person = people.Count;
                    people[cluster] = person;
                }

                return person;
            }

            var genuineSorted = genuine.OrderBy(i => scores[i]).Select(i => (Score: scores[i], A: Person(pairs[i].PathA))).ToArray();
            var impostorSorted = impostor.OrderByDescending(i => scores[i]).Select(i => (Score: scores[i], A: Person(pairs[i].PathA), B: Person(pairs[i].PathB))).ToArray();
            var random = new Random(options.Seed);
            var draws = new int[people.Count];
            var genuineWeighted = new WeightedScore[genuineSorted.Length];
            var impostorWeighted = new WeightedScore[impostorSorted.Length];
            var estimates = targets.ToDictionary(t => t, _ => new List<double>(options.BootstrapReplicates));
            for (var r = 0; r < options.BootstrapReplicates; r++)
            {
                Array.Clear(draws);
                for (var k = 0; k < draws.Length; k++)
                {
                    draws[random.Next(draws.Length)]++;
                }

                for (var k = 0; k < genuineSorted.Length; k++)
                {
                    genuineWeighted[k] = new WeightedScore(genuineSorted[k].Score, draws[genuineSorted[k].A]);
                }

                for (var k = 0; k < impostorSorted.Length; k++)
                {
                    var (score, a, b) = impostorSorted[k];
                    impostorWeighted[k] = new WeightedScore(score, a == b ? draws[a] : draws[a] * draws[b]);
                }

                foreach (var target in targets)
                {
                    // A replicate that drew no genuine or no impostor pair has no estimate; it is left out.
                    if (FixedFmr.At(target, genuineWeighted, impostorWeighted) is { } estimate)
                    {
                        estimates[target].Add(estimate.Fnmr);
                    }
                }
            }

            return estimates.ToDictionary(
                e => e.Key,
                e => e.Value.Count == 0
                    ? ((double?)null, (double?)null, 0)
                    : (Percentile(e.Value, 0.025), Percentile(e.Value, 0.975), e.Value.Count));
        }
    }

    /// <summary>Linear interpolation between order statistics (R's type 7).</summary>
    internal static double Percentile(List<double> values, double p)
    {
        values.Sort();
        var position = p * (values.Count - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, values.Count - 1);
        return values[low] + ((position - low) * (values[high] - values[low]));
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
