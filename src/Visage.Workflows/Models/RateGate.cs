using System.Globalization;
using Visage.Face;

namespace Visage.Workflows.Models;

/// <summary>One error rate held to a bound by its 95 % Wilson upper bound: a point estimate on a small sample proves nothing.</summary>
internal static class RateGate
{
    /// <param name="measure">What is counted (FMR, APCER, …), with where it was counted.</param>
    public static GateResult Check(string set, string gate, string measure, int errors, int trials, double max)
    {
        var upper = Upper(errors, trials);
        return new GateResult(set, gate, upper <= max, true, Inv($"{measure} {errors}/{trials}, 95 % upper bound {upper:P2} (at most {max:P2})"));
    }

    public static double Upper(int errors, int trials) => trials == 0 ? 1.0 : RateEstimate.Wilson(errors, trials).Upper ?? 1.0;

    public static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
