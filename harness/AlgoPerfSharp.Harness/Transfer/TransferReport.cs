using System.Globalization;
using System.Text;
using System.Xml.Linq;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// The HTML report's transfer section (issue 16): for every (width family, parameterisation, steps) among the
/// reported runs' transfer ladders, two line charts with one line per algorithm — the optimum learning rate's drift
/// against width, log₂(η_best/η_transferred) in 2× grid steps (0 = the base width's optimum transfers), and the
/// transferred point's regret (its final validation loss − the width's best) — plus, when AdamW's ladder is there, a
/// table of each algorithm's compute relative to AdamW's (<see cref="RelativeCompute"/>). X is width doublings from the
/// base, log₂(D/D_base). Nothing is written when no reported run is a ladder's.
/// </summary>
internal static class TransferReport
{
    /// <summary>One chart group: its ladders' family, parameterisation and steps, and the series of both charts.</summary>
    internal sealed record Charts(string Family, string Parameterisation, long Steps, IReadOnlyList<int> Widths,
        IReadOnlyList<ChartSeries> Drift, IReadOnlyList<ChartSeries> Regret, IReadOnlyList<(string Algorithm, IReadOnlyList<RelativeCompute> Rows)> Relative);

    /// <summary>
    /// The numbers the section plots, per group (ordered by family, parameterisation, steps): one series per ladder
    /// (named by its algorithm — with its <c>--set</c> values in brackets if any — or "algorithm · label" when one group
    /// holds two ladders of an algorithm), coloured by the algorithm's place among all ladders' algorithms in ordinal
    /// order; a point per width with a result. AdamW-relative compute is against <see cref="TransferRuns.AdamWReference"/>.
    /// </summary>
    public static IReadOnlyList<Charts> Data(IReadOnlyList<TransferLadder> ladders)
    {
        ArgumentNullException.ThrowIfNull(ladders);
        var algorithms = ladders.Select(l => l.Algorithm).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var groups = ladders.GroupBy(l => (l.Family, l.Parameterisation, l.Steps))
            .OrderBy(g => g.Key.Family, StringComparer.Ordinal).ThenBy(g => g.Key.Parameterisation, StringComparer.Ordinal).ThenBy(g => g.Key.Steps);
        var result = new List<Charts>();
        foreach (var g in groups)
        {
            var members = g.OrderBy(l => l.Algorithm, StringComparer.Ordinal).ThenBy(l => l.Label, StringComparer.Ordinal).ToList();
            var drift = new List<ChartSeries>();
            var regret = new List<ChartSeries>();
            string Name(TransferLadder l) =>
                members.Count(m => m.Algorithm == l.Algorithm) > 1 ? $"{l.Algorithm} · {l.Label}" : l.Fixed.Length > 0 ? $"{l.Algorithm} ({l.Fixed})" : l.Algorithm;
            foreach (var l in members)
            {
                string name = Name(l);
                var rows = l.Results();
                var x = rows.Select(r => Math.Log2((double)r.Width / l.BaseWidth)).ToList();
                int color = algorithms.IndexOf(l.Algorithm);
                drift.Add(new ChartSeries(name, color, x, [.. rows.Select(r => r.DriftSteps)]));
                regret.Add(new ChartSeries(name, color, x, [.. rows.Select(r => r.Regret)]));
            }

            var adamw = TransferRuns.AdamWReference(members);
            var relative = new List<(string Algorithm, IReadOnlyList<RelativeCompute> Rows)>();
            if (adamw is not null)
            {
                foreach (var l in members.Where(m => !ReferenceEquals(m, adamw))) relative.Add((Name(l), RelativeCompute.Of(l, adamw)));
            }

            result.Add(new Charts(g.Key.Family, g.Key.Parameterisation, g.Key.Steps, [.. members.SelectMany(l => l.Widths).Distinct().Order()], drift, regret, relative));
        }

        return result;
    }

    /// <summary>Appends the section for the ladders among <paramref name="runs"/>; nothing when there are none.</summary>
    public static void Section(StringBuilder html, ResultsStore store, IReadOnlyList<StoredRun> runs)
    {
        ArgumentNullException.ThrowIfNull(html);
        var ladders = TransferRuns.Load(store, runs);
        if (ladders.Count == 0) return;
        html.Append("<h2>Hyperparameter transfer across width</h2>\n<p class=\"note\">").Append(HtmlReport.E(
            "algoperf transfer ladders (docs/transfer.md): the base width's learning rate × weight decay grid, then at every wider width the transferred point and a ±2× learning-rate grid. " +
            "Drift = log₂(best learning rate / transferred), in 2× grid steps: a flat line at 0 means the optimum transfers. Regret = the transferred point's final validation loss − the width's best. " +
            "x = width doublings from the base. A width whose transferred point diverged has no regret point."))
            .Append("</p>\n");
        foreach (var c in Data(ladders))
        {
            string p = c.Parameterisation == "mup" ? "µP" : "SP";
            string widths = string.Join(", ", c.Widths);
            string x = $"width doublings from the base, log₂(D/{c.Widths[0]}) (widths {widths})";
            html.Append("<h3>").Append(HtmlReport.E($"{c.Family}, {p}, {c.Steps} steps")).Append("</h3>\n");
            Svg(html, SvgChart.Line($"{c.Family} ({p}): optimum learning rate drift vs width", x, "drift: log₂(η_best/η_transferred) (2× steps)", c.Drift, [new ReferenceLine("0 = transfers", 0)]));
            Svg(html, SvgChart.Line($"{c.Family} ({p}): transfer regret vs width", x, "regret: transferred − best final validation loss", c.Regret, [new ReferenceLine("0 = no regret", 0)]));
            if (c.Relative.Count == 0)
            {
                html.Append("<p class=\"note\">").Append(HtmlReport.E(
                    c.Drift.Any(s => s.Name.StartsWith("adamw", StringComparison.Ordinal)) ? "Only AdamW's ladder: nothing to compare its compute with."
                    : "No adamw ladder of this family, parameterisation and steps: AdamW-relative compute cannot be computed.")).Append("</p>\n");
                continue;
            }

            RelativeTable(html, c.Relative);
        }
    }

    private static void RelativeTable(StringBuilder html, IReadOnlyList<(string Algorithm, IReadOnlyList<RelativeCompute> Rows)> relative)
    {
        html.Append("<p class=\"note\">").Append(HtmlReport.E(
            "AdamW-relative compute: AdamW's steps ÷ the algorithm's to reach the base width's loss (the worse of the two ladders' best base-width losses) at the same width — arXiv 2512.05620's compute multiplier, > 1 = fewer steps than AdamW; time: the same with submission seconds."))
            .Append("</p>\n<table>\n<tr><th class=\"name\">algorithm</th><th>width</th><th>target loss</th><th>transferred ×</th><th>time ×</th><th>best ×</th><th>time ×</th></tr>\n");
        foreach (var (algorithm, rows) in relative)
        {
            foreach (var r in rows)
            {
                html.Append("<tr><td class=\"name\">").Append(HtmlReport.E(algorithm)).Append(CultureInfo.InvariantCulture,
                    $"</td><td>{r.Width}</td><td>{r.Target:F4}</td><td>{X(r.TransferredMultiplier)}</td><td>{X(r.TransferredTimeMultiplier)}</td><td>{X(r.BestMultiplier)}</td><td>{X(r.BestTimeMultiplier)}</td></tr>\n");
            }
        }

        html.Append("</table>\n");
    }

    private static string X(double m) => double.IsNaN(m) ? "n/a" : double.IsPositiveInfinity(m) ? "∞" : m.ToString("F2", CultureInfo.InvariantCulture);

    private static void Svg(StringBuilder html, XElement svg) => html.Append(svg.ToString(SaveOptions.DisableFormatting)).Append('\n');
}
