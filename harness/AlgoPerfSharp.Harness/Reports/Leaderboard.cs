using System.Globalization;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Harness.Results;
using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>One algorithm's line of the leaderboard.</summary>
/// <param name="Algorithm">Algorithm (submission) name.</param>
/// <param name="Score">AlgoPerf benchmark score in [0, 1], relative to the algorithms scored together.</param>
/// <param name="Workloads">Per workload: time-to-target, ratio to the fastest, trials reaching target.</param>
/// <param name="MedianStepSeconds">Median over its trials of the median update-step time.</param>
public sealed record LeaderboardRow(string Algorithm, double Score, IReadOnlyList<LeaderboardCell> Workloads, double MedianStepSeconds);

/// <summary>One (algorithm, workload) cell.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="TimeToTargetSeconds">Median over studies of the time to the validation target (∞ if not reached).</param>
/// <param name="Ratio">Time / fastest algorithm's time on this workload after AlgoPerf's 4× cut (∞ if no credit).</param>
/// <param name="TrialsReachingTarget">Trials that met the target within the budget.</param>
/// <param name="Trials">Trials run.</param>
public sealed record LeaderboardCell(string Workload, double TimeToTargetSeconds, double Ratio, int TrialsReachingTarget, int Trials);

/// <summary>The leaderboard of a results database: AlgoPerf scoring over stored eval rows (no libtorch needed).</summary>
/// <param name="Ruleset">The ruleset scored.</param>
/// <param name="Runs">Run labels included.</param>
/// <param name="Workloads">Workloads scored (base and variants).</param>
/// <param name="Rows">Algorithms, best score first.</param>
public sealed record LeaderboardResult(string Ruleset, IReadOnlyList<string> Runs, IReadOnlyList<string> Workloads, IReadOnlyList<LeaderboardRow> Rows)
{
    /// <summary>The caveat every leaderboard carries.</summary>
    public const string Caveat =
        "Scores are relative: each is computed only over the algorithms scored together here (ratios to the fastest of them), so they are not comparable across leaderboards.";

    /// <summary>Scores the trials of <paramref name="runs"/> under <paramref name="ruleset"/>.</summary>
    public static LeaderboardResult Compute(ResultsStore store, IReadOnlyList<StoredRun> runs, TuningRuleset ruleset) =>
        From(ScoringInput.Load(store, runs, ruleset));

    /// <summary>Scores loaded trials (the leaderboard the report shows).</summary>
    internal static LeaderboardResult From(ScoringInput input) => From(input, input.Score());

    /// <summary>The leaderboard of an already computed scoring result over <paramref name="input"/>.</summary>
    internal static LeaderboardResult From(ScoringInput input, BenchmarkScoringResult result)
    {
        var rows = result.Profile.Submissions.Select(p => new LeaderboardRow(
            p.Submission,
            p.Score,
            p.Workloads.Concat(p.Variants).Select(c =>
            {
                var tt = result.Times.FirstOrDefault(x => x.Submission == p.Submission && x.Workload == c.Workload);
                return new LeaderboardCell(c.Workload, tt?.ValidationSeconds ?? double.PositiveInfinity, c.Ratio, tt?.TrialsReachingTarget ?? 0, tt?.TrialCount ?? 0);
            }).ToList(),
            ScoringInput.MedianStep(input.Trials.Where(t => t.Stored.Algorithm == p.Submission))))
            .OrderByDescending(r => r.Score).ThenBy(r => r.Algorithm, StringComparer.Ordinal).ToList();
        return new LeaderboardResult(input.RulesetKey, input.Runs.Select(r => r.Label).ToList(), input.Specs.Select(s => s.Name).ToList(), rows);
    }

    /// <summary>A GitHub-flavoured markdown table (with the caveat).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# AlgoPerfSharp leaderboard ({Ruleset} tuning; runs: {string.Join(", ", Runs.Select(SafeText.Markdown))})\n\n");
        sb.Append("| rank | algorithm | score |");
        foreach (var w in Workloads) sb.Append(CultureInfo.InvariantCulture, $" {SafeText.Markdown(w)} (time · ratio · hits) |");
        sb.Append(" median step |\n|---:|---|---:|");
        foreach (var _ in Workloads) sb.Append("---:|");
        sb.Append("---:|\n");
        int rank = 1;
        foreach (var r in Rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {rank++} | {SafeText.Markdown(r.Algorithm)} | {r.Score:F4} |");
            foreach (var w in Workloads) sb.Append(' ').Append(Cell(r, w)).Append(" |");
            sb.Append(' ').Append(Ms(r.MedianStepSeconds)).Append(" |\n");
        }

        sb.Append('\n').Append(Caveat).Append(" Time = median over studies of the submission time at the first eval meeting the validation target; ratio = time / fastest; hits = trials reaching the target / trials.\n");
        return sb.ToString();
    }

    /// <summary>A plain-text table for the terminal.</summary>
    public string ToText()
    {
        var header = new List<string> { "#", "algorithm", "score" };
        header.AddRange(Workloads.Select(SafeText.Terminal));
        header.Add("median step");
        var lines = new List<List<string>> { header };
        int rank = 1;
        foreach (var r in Rows)
        {
            var l = new List<string> { (rank++).ToString(CultureInfo.InvariantCulture), SafeText.Terminal(r.Algorithm), r.Score.ToString("F4", CultureInfo.InvariantCulture) };
            l.AddRange(Workloads.Select(w => Cell(r, w)));
            l.Add(Ms(r.MedianStepSeconds));
            lines.Add(l);
        }

        var widths = Enumerable.Range(0, header.Count).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(string.Join("  ", l.Select((c, i) => i <= 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])))).Append('\n');
        sb.Append(Caveat).Append('\n');
        return sb.ToString();
    }

    /// <summary>JSON for tooling (∞ written as null).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        ruleset = Ruleset,
        runs = Runs,
        workloads = Workloads,
        caveat = Caveat,
        rows = Rows.Select(r => new
        {
            algorithm = r.Algorithm,
            score = r.Score,
            median_step_seconds = Finite(r.MedianStepSeconds),
            workloads = r.Workloads.Select(c => new
            {
                workload = c.Workload,
                time_to_target_seconds = Finite(c.TimeToTargetSeconds),
                ratio = Finite(c.Ratio),
                trials_reaching_target = c.TrialsReachingTarget,
                trials = c.Trials,
            }),
        }),
    }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    internal static string Cell(LeaderboardRow r, string workload)
    {
        var c = r.Workloads.FirstOrDefault(x => x.Workload == workload);
        if (c is null) return "—";
        string t = double.IsFinite(c.TimeToTargetSeconds) ? c.TimeToTargetSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "∞";
        string ratio = double.IsFinite(c.Ratio) ? c.Ratio.ToString("F2", CultureInfo.InvariantCulture) + "×" : "∞";
        return $"{t} · {ratio} · {c.TrialsReachingTarget}/{c.Trials}";
    }

    internal static string Ms(double seconds) =>
        double.IsFinite(seconds) ? (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture) + " ms" : "—";
}
