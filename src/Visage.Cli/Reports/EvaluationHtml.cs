using System.Globalization;
using System.Net;
using System.Text;
using Visage.Face;
using Visage.Protection;

namespace Visage.Cli.Reports;

/// <summary>
/// The evaluation as one page a privacy officer or a clinician reads in any browser: the overall figures per set, each
/// subgroup with its sample sizes, intervals and verdict (a subgroup too small to judge says so), and the plots beside.
/// Plain HTML with its own small style: no script, nothing loaded from elsewhere, images referenced by file name in the
/// same folder, every image with a text alternative and every table with a caption and header cells.
/// </summary>
internal static class EvaluationHtml
{
    public static string Write(string directory, string model, float threshold, IReadOnlyList<PairSetResult> results, IReadOnlyList<SubgroupReport> subgroups, IReadOnlyList<string> plots)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Visage evaluation: {{E(model)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; max-width: 80rem; }
            table { border-collapse: collapse; margin: 1rem 0 2rem; }
            caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
            th, td { border: 1px solid #767676; padding: .3rem .6rem; text-align: right; }
            th[scope=row], td.text { text-align: left; }
            .small { color: #4a4a4a; } .miss { color: #a00000; font-weight: 600; } .meet { color: #006100; font-weight: 600; }
            img { max-width: 100%; border: 1px solid #ccc; }
            </style>
            </head>
            <body>
            <main>
            <h1>Verification accuracy: {{E(model)}}</h1>
            <p>Threshold {{threshold:0.00}}. Rates with 95 % Wilson intervals and their counts; FNMR at a fixed FMR only where at
            least 3/FMR impostor pairs exist. A subgroup under the minimum sample sizes is <em>too small to judge</em>, never a pass.</p>

            """);
        html.Append("<table><caption>Overall, per set</caption><thead><tr><th scope=\"col\">set</th><th scope=\"col\">genuine / impostor pairs</th><th scope=\"col\">accuracy at threshold</th><th scope=\"col\">ROC AUC</th><th scope=\"col\">EER</th><th scope=\"col\">FMR at threshold</th><th scope=\"col\">FNMR at threshold</th><th scope=\"col\">pairs with a detection failure</th></tr></thead><tbody>\n");
        foreach (var r in results)
        {
            var m = r.Metrics;
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(r.Name)}</th><td>{m.Genuine} / {m.Impostor}</td><td>{m.AccuracyAtThreshold:P2}</td><td>{m.RocAuc:0.0000}</td><td>{m.EqualErrorRate:P2}</td><td>{m.FalseMatchRate:P2}</td><td>{m.FalseNonMatchRate:P2}</td><td>{r.PairsWithDetectionFailure}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var report in subgroups)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(report.Set)}: subgroups</h2>\n<table><caption>{E(report.Set)}, {report.LabelledImages} labelled images, {report.UnlabelledImages} unlabelled</caption><thead><tr><th scope=\"col\">subgroup</th><th scope=\"col\">genuine / impostor pairs</th><th scope=\"col\">people</th><th scope=\"col\">FMR at threshold</th><th scope=\"col\">FNMR at threshold</th>");
            foreach (var fmr in report.Options.FixedFalseMatchRates)
            {
                html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\">FNMR at FMR {fmr:0e0}</th>");
            }

            html.Append("<th scope=\"col\">verdict</th></tr></thead><tbody>\n");
            foreach (var group in report.Subgroups.Prepend(report.Overall))
            {
                var name = group.Attribute == SubgroupEvaluator.All ? "all pairs" : $"{group.Attribute} = {group.Value}";
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(name)}</th><td>{group.GenuinePairs} / {group.ImpostorPairs}</td><td>{group.Identities}</td><td>{Rate(group.FalseMatchRate)}</td><td>{Rate(group.FalseNonMatchRate)}</td>");
                foreach (var fixedFmr in group.FnmrAtFixedFmr)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{E(fixedFmr.Describe())}</td>");
                }

                html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{Verdict(group)}</td></tr>\n");
            }

            html.Append("</tbody></table>\n<ul>\n");
            foreach (var ratio in report.Ratios)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(ratio.Ratio is { } x ? string.Create(CultureInfo.InvariantCulture, $"{ratio.Attribute}: worst-to-best FNMR {x:0.00} ({ratio.Worst} {ratio.WorstFnmr:P2} / {ratio.Best} {ratio.BestFnmr:P2})") : $"{ratio.Attribute}: no worst-to-best FNMR ratio: {ratio.Note}")}</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<h2>Plots</h2>\n");
        foreach (var plot in plots)
        {
            var file = Path.GetFileName(plot);
            html.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"{E(file)}\" alt=\"{E(Describe(file))}\"><figcaption>{E(file)}</figcaption></figure>\n");
        }

        html.Append("</main>\n</body>\n</html>\n");
        var path = Path.Combine(directory, "report.html");
        using var stream = OwnerOnlyFiles.OpenForWriting(path, FileMode.Create);
        stream.Write(Encoding.UTF8.GetBytes(html.ToString()));
        return path;
    }

    private static string Rate(RateEstimate rate) => rate.Rate is { } r
        ? string.Create(CultureInfo.InvariantCulture, $"{r:P2} [{rate.Lower:P2}, {rate.Upper:P2}] <span class=\"small\">({rate.Errors}/{rate.Trials})</span>")
        : "no pairs";

    private static string Verdict(SubgroupMetrics group) => group.Verdict switch
    {
        SubgroupVerdict.TooSmallToJudge => $"too small to judge: {E(group.VerdictReason)}",
        SubgroupVerdict.MeetsTargets => "<span class=\"meet\">meets targets</span>",
        SubgroupVerdict.MissesTargets => $"<span class=\"miss\">misses targets</span>: {E(group.VerdictReason)}",
        _ => $"inconclusive: {E(group.VerdictReason)}",
    };

    /// <summary>A plot's text alternative from its file name (det, roc, scores … of a set and subgroup).</summary>
    private static string Describe(string file) => "Plot: " + Path.GetFileNameWithoutExtension(file).Replace('-', ' ');

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
