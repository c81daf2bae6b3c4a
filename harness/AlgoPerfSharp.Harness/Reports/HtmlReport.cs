using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Transfer;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>
/// The scoring report: one self-contained HTML file (inline SVG, inline CSS, no script, no network) with the
/// environment the runs used, the leaderboard, the performance profiles ρ(τ), validation metric against submission
/// time per workload with the target drawn, median step times, and every optimizer diagnostic found in the eval rows
/// over time (grouped by the key's prefix, e.g. <c>eigen/…</c>), and for runs of <c>algoperf transfer</c> ladders the
/// transfer section (<see cref="TransferReport"/>: optimum-learning-rate drift and regret vs width). All text from the
/// database (algorithm names come from plugins) is escaped. Deterministic: the same database gives the same bytes.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1140px;color:#222;background:#fff}
        h1{font-size:24px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:16px}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        th{background:#f2f4f7}td.name,th.name{text-align:left}p.note{color:#555;font-size:13px;max-width:900px}
        svg{display:block;margin:12px 0;border:1px solid #eee}
        """;

    /// <summary>Renders the report of <paramref name="runs"/> of <paramref name="store"/> under <paramref name="ruleset"/>.</summary>
    /// <exception cref="ResultsStoreException">No runs, or no trials of the ruleset (the message says what to do).</exception>
    public static string Render(ResultsStore store, IReadOnlyList<StoredRun> runs, TuningRuleset ruleset)
    {
        var input = ScoringInput.Load(store, runs, ruleset, firstOfRepeatedLadderTrials: true);
        var scored = input.Score();
        var board = LeaderboardResult.From(input, scored);
        var algorithms = board.Rows.Select(r => r.Algorithm).ToList();
        int ColorOf(string algorithm) => algorithms.IndexOf(algorithm);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>AlgoPerfSharp report</title>\n<style>\n")
            .Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>AlgoPerfSharp report</h1>\n<p>").Append(E($"{board.Ruleset.Key()}-tuning ruleset · runs: {string.Join(", ", board.Runs)} · {input.Trials.Count} trials · workloads: {string.Join(", ", board.Workloads)}")).Append("</p>\n");

        Environment(html, runs);

        html.Append("<h2>Leaderboard</h2>\n");
        foreach (var w in board.Warnings) html.Append("<p class=\"note\"><b>").Append(E(w)).Append("</b></p>\n");
        if (input.RepeatedLadderTrials > 0)
        {
            html.Append("<p class=\"note\"><b>").Append(E(string.Create(CultureInfo.InvariantCulture,
                $"{input.RepeatedLadderTrials} trial(s) of transfer ladders repeat the keys of an earlier ladder's (a --set variant shares its ladder's seeds): the leaderboard scores each key's first run only; the transfer section below draws every ladder."))).Append("</b></p>\n");
        }

        string confidence = (board.Bootstrap.Options.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
        html.Append("<table>\n<tr><th>rank</th><th class=\"name\">algorithm</th><th>score</th>");
        if (board.IsReplicated) html.Append("<th>").Append(E(confidence)).Append(" interval</th><th>rank interval</th>");
        foreach (var w in board.Workloads) html.Append("<th>").Append(E(w)).Append("<br>time · steps · ratio · hits</th>");
        html.Append("<th>median step</th></tr>\n");
        int rank = 1;
        foreach (var r in board.Rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{rank++}</td><td class=\"name\">{E(r.Algorithm)}</td><td>{r.Score:F4}</td>");
            if (board.IsReplicated)
            {
                var i = r.Interval;
                html.Append(CultureInfo.InvariantCulture, $"<td>[{i.ScoreLower:F4}, {i.ScoreUpper:F4}]</td><td>{(i.RankLower == i.RankUpper ? $"{i.RankLower}" : $"{i.RankLower}–{i.RankUpper}")}</td>");
            }

            foreach (var w in board.Workloads) html.Append("<td>").Append(E(LeaderboardResult.Cell(r, w))).Append("</td>");
            html.Append("<td>").Append(E(LeaderboardResult.Ms(r.MedianStepSeconds))).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var line in board.Footer(n => n)) html.Append("<p class=\"note\">").Append(E(line)).Append("</p>\n");
        if (board.IsReplicated) Intervals(html, board, ColorOf);

        var profile = scored.Profile;
        html.Append("<h2>Performance profiles</h2>\n<p class=\"note\">").Append(E(
            $"ρ(τ) = fraction of the {profile.BaseWorkloads.Count} base workload(s) an algorithm reached within τ × the fastest algorithm's time (AlgoPerf: times beyond {profile.Options.MaxRatio.ToString(CultureInfo.InvariantCulture)}× get no credit; score = area under ρ / {(profile.Options.MaxRatio - 1).ToString(CultureInfo.InvariantCulture)})."))
            .Append("</p>\n");
        var curves = profile.Submissions.Select(p => new ChartSeries(p.Submission, ColorOf(p.Submission), profile.Taus, p.Rho, Step: true)).ToList();
        Svg(html, SvgChart.Line("Performance profiles ρ(τ)", "τ: time-to-target ratio to the fastest (×)", "ρ(τ): fraction of workloads (1 = all)",
            curves, [], (1, profile.Options.MaxRatio), (0, 1)));

        html.Append("<h2>Validation metric vs submission time</h2>\n");
        foreach (var spec in input.Specs)
        {
            var trials = input.Trials.Where(t => t.Stored.Workload == spec.Name).ToList();
            var series = trials.Select(t => new ChartSeries(t.Stored.Algorithm, ColorOf(t.Stored.Algorithm),
                t.Evals.Select(e => e.SubmissionSeconds).ToList(),
                t.Evals.Select(e => e.Metrics.TryGetValue(spec.ValidationMetric, out double v) ? v : double.NaN).ToList())).ToList();
            string op = spec.Direction == MetricDirection.LowerIsBetter ? "≤" : "≥";
            Svg(html, SvgChart.Line($"{spec.Name}: {spec.ValidationMetric} (one line per trial)", "submission time (s)", $"{spec.ValidationMetric} (as logged)",
                series, [new ReferenceLine($"target: {spec.ValidationMetric} {op} {G(spec.ValidationTarget)}", spec.ValidationTarget)]));
        }

        html.Append("<h2>Step time</h2>\n<p class=\"note\">Median over trials of each trial's median wall time of one update step.</p>\n");
        var bars = new List<BarValue>();
        foreach (var spec in input.Specs)
        {
            foreach (var a in algorithms)
            {
                var of = input.Trials.Where(t => t.Stored.Workload == spec.Name && t.Stored.Algorithm == a).ToList();
                if (of.Count == 0) continue;
                double s = ScoringInput.MedianStep(of);
                bars.Add(new BarValue(spec.Name, a, ColorOf(a), s * 1000, LeaderboardResult.Ms(s)));
            }
        }

        Svg(html, SvgChart.Bars("Median update-step time", "workload", "median step time (ms)", bars));

        Diagnostics(html, input, algorithms);
        TransferReport.Section(html, store, runs);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Intervals(StringBuilder html, LeaderboardResult board, Func<string, int> colorOf)
    {
        html.Append("<h3>Score intervals and pairwise probabilities</h3>\n");
        Svg(html, SvgChart.Intervals("Benchmark score with its bootstrap interval", "algorithm (best score first)", "score (1 = fastest on every workload)",
            board.Rows.Select(r => new IntervalValue(r.Algorithm, colorOf(r.Algorithm), r.Score, r.Interval.ScoreLower, r.Interval.ScoreUpper)).ToList()));
        html.Append("<p class=\"note\">P(row scores higher than column) over the bootstrap replicates; bold: the pair differs significantly (exact permutation test over studies, Holm-corrected; see the footer).</p>\n<table>\n<tr><th></th>");
        foreach (var b in board.Rows) html.Append("<th>").Append(E(b.Algorithm)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var a in board.Rows)
        {
            html.Append("<tr><th class=\"name\">").Append(E(a.Algorithm)).Append("</th>");
            foreach (var b in board.Rows)
            {
                if (a == b)
                {
                    html.Append("<td>—</td>");
                    continue;
                }

                double p = board.Bootstrap.Probability(a.Algorithm, b.Algorithm);
                string text = p.ToString("F3", CultureInfo.InvariantCulture);
                // Shade from white (½) towards blue (row higher) or orange (row lower).
                int tint = (int)Math.Round(Math.Abs(p - 0.5) * 2 * 120);
                string bg = p >= 0.5 ? $"rgb({255 - tint},{255 - (tint / 2)},255)" : $"rgb(255,{255 - (tint / 2)},{255 - tint})";
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"p\" data-p=\"{SvgChart.R(p)}\" style=\"background:{bg}\">")
                    .Append(board.Tests.IsSignificant(a.Algorithm, b.Algorithm) ? $"<b>{text}</b>" : text).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Diagnostics(StringBuilder html, ScoringInput input, IReadOnlyList<string> algorithms)
    {
        html.Append("<h2>Optimizer diagnostics</h2>\n");
        var keys = input.Trials.SelectMany(t => t.Evals).SelectMany(e => e.Diagnostics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
        {
            html.Append("<p class=\"note\">No eval row recorded optimizer diagnostics.</p>\n");
            return;
        }

        html.Append("<p class=\"note\">Every diagnostic the algorithms logged with their evals, by key prefix, against submission time (values as logged).</p>\n");
        foreach (var group in keys.GroupBy(k => k.Contains('/', StringComparison.Ordinal) ? k[..k.IndexOf('/', StringComparison.Ordinal)] : k))
        {
            foreach (var spec in input.Specs)
            {
                var trials = input.Trials.Where(t => t.Stored.Workload == spec.Name && t.Evals.Any(e => group.Any(e.Diagnostics.ContainsKey))).ToList();
                if (trials.Count == 0) continue;
                var combos = trials.SelectMany(t => group.Where(k => t.Evals.Any(e => e.Diagnostics.ContainsKey(k))).Select(k => (t.Stored.Algorithm, Key: k)))
                    .Distinct().OrderBy(c => algorithms.ToList().IndexOf(c.Algorithm)).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
                var series = new List<ChartSeries>();
                foreach (var t in trials)
                {
                    foreach (var k in group)
                    {
                        var rows = t.Evals.Where(e => e.Diagnostics.ContainsKey(k)).ToList();
                        if (rows.Count == 0) continue;
                        // One key in the group: colour by algorithm, as in every other chart; several: one colour per line.
                        int color = group.Count() == 1 ? algorithms.ToList().IndexOf(t.Stored.Algorithm) : combos.IndexOf((t.Stored.Algorithm, k));
                        series.Add(new ChartSeries($"{t.Stored.Algorithm} · {k}", color,
                            rows.Select(e => e.SubmissionSeconds).ToList(), rows.Select(e => e.Diagnostics[k]).ToList()));
                    }
                }

                Svg(html, SvgChart.Line($"{spec.Name}: {group.Key} diagnostics", "submission time (s)", $"{group.Key} (as logged)", series, []));
            }
        }
    }

    private static void Environment(StringBuilder html, IReadOnlyList<StoredRun> runs)
    {
        html.Append("<h2>Environment</h2>\n");
        foreach (var env in runs.GroupBy(r => r.EnvironmentJson, StringComparer.Ordinal))
        {
            html.Append("<h3>").Append(E("run(s) " + string.Join(", ", env.Select(r => $"{r.Label} ({r.CreatedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)")))).Append("</h3>\n");
            var facts = EnvironmentFacts(env.Key);
            if (facts.Count == 0)
            {
                html.Append("<p class=\"note\">No environment was recorded with this run.</p>\n");
                continue;
            }

            html.Append("<table>\n");
            foreach (var (k, v) in facts) html.Append("<tr><th class=\"name\">").Append(E(k)).Append("</th><td class=\"name\">").Append(E(v)).Append("</td></tr>\n");
            html.Append("</table>\n");
            var command = env.Select(r => r.Command).Distinct(StringComparer.Ordinal).ToList();
            html.Append("<p class=\"note\">command: ").Append(E(string.Join(" | ", command))).Append("</p>\n");
        }
    }

    private static readonly Dictionary<string, string> FactNames = new(StringComparer.Ordinal)
    {
        ["CpuModel"] = "CPU",
        ["Cores"] = "logical cores",
        ["TorchThreads"] = "libtorch intra-op threads",
        ["TorchVersion"] = "libtorch",
        ["Blas"] = "BLAS",
        ["BlasIsOpenMp"] = "BLAS is OpenBLAS (OpenMP build)",
        ["Cuda"] = "CUDA devices",
        ["Os"] = "OS",
        ["DotNet"] = ".NET",
        ["GitCommit"] = "commit",
        ["Version"] = "AlgoPerfSharp version",
    };

    /// <summary>The stored environment JSON as (label, value) pairs; known keys get readable labels, unknown keys are kept.</summary>
    internal static IReadOnlyList<(string Name, string Value)> EnvironmentFacts(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return [];
            return doc.RootElement.EnumerateObject().Select(p => (
                FactNames.TryGetValue(p.Name, out var n) ? n : p.Name,
                p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText())).ToList();
        }
        catch (JsonException)
        {
            return [("environment (unparsed)", json)];
        }
    }

    private static void Svg(StringBuilder html, XElement svg) => html.Append(svg.ToString(SaveOptions.DisableFormatting)).Append('\n');

    /// <summary>Escapes HTML text and attribute values (&amp; &lt; &gt; " '), leaving other characters as UTF-8.</summary>
    internal static string E(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
