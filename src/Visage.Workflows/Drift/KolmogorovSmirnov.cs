namespace Visage.Workflows.Drift;

/// <summary>The two-sample Kolmogorov–Smirnov test: the largest gap between two empirical distribution functions.</summary>
internal static class KolmogorovSmirnov
{
    /// <summary>D = sup |F_a(x) − F_b(x)|, from 0 (same distribution) to 1 (no overlap); both samples non-empty.</summary>
    public static double Statistic(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentOutOfRangeException.ThrowIfZero(a.Count);
        ArgumentOutOfRangeException.ThrowIfZero(b.Count);
        var x = a.Order().ToArray();
        var y = b.Order().ToArray();
        int i = 0, j = 0;
        var d = 0.0;
        while (i < x.Length && j < y.Length)
        {
            // Step past every copy of the smaller value in both samples at once, so ties do not open a false gap.
            var value = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] <= value)
            {
                i++;
            }

            while (j < y.Length && y[j] <= value)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / x.Length) - ((double)j / y.Length)));
        }

        return d;
    }

    /// <summary>
    /// The asymptotic probability of a gap at least <paramref name="d"/> between samples of one distribution, with the
    /// small-sample correction of Stephens (1970) as in Numerical Recipes' <c>probks</c>.
    /// </summary>
    public static double PValue(double d, int n, int m)
    {
        var effective = (double)n * m / (n + m);
        var root = Math.Sqrt(effective);
        var lambda = (root + 0.12 + (0.11 / root)) * d;
        if (lambda < 0.2)
        {
            return 1;
        }

        // Q(λ) = 2 Σ (−1)^(k−1) exp(−2 k² λ²): converges in a few terms for λ ≥ 0.2.
        var sum = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = 2 * (k % 2 == 1 ? 1 : -1) * Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12)
            {
                break;
            }
        }

        return Math.Clamp(sum, 0, 1);
    }
}
