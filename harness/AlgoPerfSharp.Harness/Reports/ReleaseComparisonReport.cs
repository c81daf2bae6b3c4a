using System.Globalization;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>
/// Release-to-release comparison of two sets of runs (two databases, or two run labels in one): per (workload,
/// algorithm) present in both, the per-seed time-to-target and median step time of the candidate against the
/// baseline with <see cref="ReleaseComparison"/>'s noise-aware verdict (one-sided Mann–Whitney tests at α, a minimum
/// effect δ, the Hodges–Lehmann ratio and its distribution-free interval). A seed is a study: under self-tuning its
/// single run, under external tuning its fastest trial in seconds.
/// </summary>
/// <param name="Baseline">What the baseline is (database file and run labels).</param>
/// <param name="Candidate">What the candidate is.</param>
/// <param name="Ruleset">The tuning ruleset compared.</param>
/// <param name="Options">α and δ used.</param>
/// <param name="Rows">One row per common (workload, algorithm), ordered by workload then algorithm.</param>
/// <param name="Notes">Pairs present on one side only (not compared): things a reader should know.</param>
public sealed record ReleaseComparisonReport(
    string Baseline, string Candidate, TuningRuleset Ruleset, ComparisonOptions Options, IReadOnlyList<ComparisonRow> Rows, IReadOnlyList<string> Notes)
{
    /// <summary>True when any row is a regression (the compare command then exits with 1).</summary>
    public bool HasRegression => Rows.Any(r => r.IsRegression);

    /// <summary>Compares the trials of <paramref name="candidateRuns"/> against those of <paramref name="baselineRuns"/>.</summary>
    /// <exception cref="ResultsStoreException">A side has no runs or no trials of the ruleset, the sides share no
    /// (workload, algorithm) pair, or a shared workload was run at different presets or with different constants
    /// (target metric, direction, target, budget); the one-line message names the difference. Nothing is written.</exception>
    public static ReleaseComparisonReport Compute(
        ResultsStore baselineStore, IReadOnlyList<StoredRun> baselineRuns, ResultsStore candidateStore, IReadOnlyList<StoredRun> candidateRuns,
        TuningRuleset ruleset, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baselineStore);
        ArgumentNullException.ThrowIfNull(candidateStore);
        options ??= ComparisonOptions.Default;
        var b = ScoringInput.Load(baselineStore, baselineRuns, ruleset);
        var c = ScoringInput.Load(candidateStore, candidateRuns, ruleset);
        string bName = Describe(baselineStore, baselineRuns), cName = Describe(candidateStore, candidateRuns);
        var bPairs = Pairs(b);
        var cPairs = Pairs(c);
        var common = bPairs.Intersect(cPairs).Order().ToList();
        if (common.Count == 0)
        {
            throw new ResultsStoreException(
                $"the baseline ({bName}) and the candidate ({cName}) have no (workload, algorithm) pair in common: baseline has " +
                $"{List(bPairs)}; candidate has {List(cPairs)}");
        }

        foreach (var w in common.Select(p => p.Workload).Distinct())
        {
            if (b.StoredSpecs[w].Difference(c.StoredSpecs[w]) is { } difference)
            {
                throw new ResultsStoreException(
                    $"cannot compare {w}: {difference} between the baseline ({bName}) and the candidate ({cName}); times to " +
                    "different targets or under different budgets are not comparable — compare runs of the same preset and workload constants");
            }
        }

        var notes = new List<string>();
        foreach (var p in bPairs.Except(cPairs).Order()) notes.Add($"{p.Workload}/{p.Algorithm} is only in the baseline: not compared");
        foreach (var p in cPairs.Except(bPairs).Order()) notes.Add($"{p.Workload}/{p.Algorithm} is only in the candidate: not compared");

        var rows = common.Select(p =>
        {
            var (bTimes, bSteps) = Seeds(b, p);
            var (cTimes, cSteps) = Seeds(c, p);
            var steps = bSteps.Count > 0 && cSteps.Count > 0 ? ReleaseComparison.Compare(bSteps, cSteps, options) : null;
            return new ComparisonRow(p.Workload, p.Algorithm, ReleaseComparison.Compare(bTimes, cTimes, options), steps);
        }).ToList();
        return new ReleaseComparisonReport(bName, cName, b.Ruleset.Kind, options, rows, notes);
    }

    /// <summary>A GitHub-flavoured markdown summary for a CI log.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        string conf = Pct(1 - (2 * Options.SignificanceLevel));
        sb.Append(CultureInfo.InvariantCulture, $"# AlgoPerfSharp release comparison ({Ruleset.Key()} tuning)\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Baseline: {SafeText.Markdown(Baseline)}. Candidate: {SafeText.Markdown(Candidate)}.\n\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"Method: per (workload, algorithm), one sample per seed (study); one-sided Mann–Whitney U tests at significance level α = {G(Options.SignificanceLevel)}, minimum effect δ = {Pct(Options.MinimumEffect)}. ");
        sb.Append(CultureInfo.InvariantCulture,
            $"Ratio = Hodges–Lehmann estimate of candidate / baseline (> 1: the candidate is slower) with its distribution-free {conf} interval. ");
        sb.Append(CultureInfo.InvariantCulture,
            $"regression = significantly slower by at least {Pct(Options.MinimumEffect)}; improvement = significantly faster by at least {Pct(Options.MinimumEffect)}; no change = the interval lies within ±{Pct(Options.MinimumEffect)}; inconclusive = none of these (the seeds cannot tell).\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"| workload | algorithm | seeds (base/cand) | time-to-target base → cand | ratio [{conf} CI] | p (slower) | verdict | step time base → cand | ratio [{conf} CI] | p (slower) | verdict |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
        foreach (var r in Rows)
        {
            var t = r.TimeToTarget;
            sb.Append(CultureInfo.InvariantCulture, $"| {SafeText.Markdown(r.Workload)} | {SafeText.Markdown(r.Algorithm)} | {t.BaselineCount}/{t.CandidateCount} | {Seconds(t.BaselineMedian)} → {Seconds(t.CandidateMedian)} | {Ratio(t)} | {P(t.PValueSlower)} | {Verdict(t.Verdict)} |");
            if (r.StepTime is { } s)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {LeaderboardResult.Ms(s.BaselineMedian)} → {LeaderboardResult.Ms(s.CandidateMedian)} | {Ratio(s)} | {P(s.PValueSlower)} | {Verdict(s.Verdict)} |\n");
            }
            else
            {
                sb.Append(" — | — | — | not measured |\n");
            }
        }

        sb.Append('\n');
        foreach (var n in Notes) sb.Append("- ").Append(SafeText.Markdown(n)).Append('\n');
        if (Notes.Count > 0) sb.Append('\n');
        int regressions = Rows.Count(r => r.IsRegression);
        sb.Append(regressions == 0
            ? $"**Result: no regression** in {Rows.Count} (workload, algorithm) pair(s) (exit code 0).\n"
            : $"**Result: {regressions} regression(s)** in {Rows.Count} (workload, algorithm) pair(s) (exit code 1).\n");
        return sb.ToString();
    }

    /// <summary>JSON for tooling (∞ and NaN written as null; ratios rounded to 12 decimals).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        baseline = Baseline,
        candidate = Candidate,
        ruleset = Ruleset.Key(),
        significance_level = Options.SignificanceLevel,
        minimum_effect = Options.MinimumEffect,
        confidence_level = 1 - (2 * Options.SignificanceLevel),
        has_regression = HasRegression,
        rows = Rows.Select(r => new
        {
            workload = r.Workload,
            algorithm = r.Algorithm,
            regression = r.IsRegression,
            time_to_target = Json(r.TimeToTarget),
            step_time = r.StepTime is null ? null : Json(r.StepTime),
        }),
        notes = Notes,
    }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static object Json(ComparisonResult c) => new
    {
        verdict = Verdict(c.Verdict),
        ratio = Rounded(c.Ratio),
        ratio_lower = Rounded(c.RatioLower),
        ratio_upper = Rounded(c.RatioUpper),
        p_value_slower = c.PValueSlower,
        p_value_faster = c.PValueFaster,
        exact_p_values = c.ExactPValues,
        baseline_median_seconds = Finite(c.BaselineMedian),
        candidate_median_seconds = Finite(c.CandidateMedian),
        baseline_seeds = c.BaselineCount,
        candidate_seeds = c.CandidateCount,
    };

    private static HashSet<(string Workload, string Algorithm)> Pairs(ScoringInput input) =>
        input.Trials.Select(t => (t.Stored.Workload, t.Stored.Algorithm)).ToHashSet();

    private static (List<double> Times, List<double> Steps) Seeds(ScoringInput input, (string Workload, string Algorithm) pair)
    {
        var trials = input.Trials.Where(t => t.Stored.Workload == pair.Workload && t.Stored.Algorithm == pair.Algorithm).ToList();
        var spec = input.Specs.Single(s => s.Name == pair.Workload);
        var times = TimeToTarget.ForWorkload(trials.Select(t => t.Record), spec, input.Ruleset).Studies.Select(s => s.ValidationSeconds).ToList();
        var steps = trials.GroupBy(t => t.Stored.Study).OrderBy(g => g.Key).Select(ScoringInput.MedianStep).Where(double.IsFinite).ToList();
        return (times, steps);
    }

    private static string Describe(ResultsStore store, IReadOnlyList<StoredRun> runs) =>
        $"{System.IO.Path.GetFileName(store.Path)} run(s) {string.Join(", ", runs.Select(r => r.Label))}";

    private static string List(IEnumerable<(string Workload, string Algorithm)> pairs) =>
        string.Join(", ", pairs.Order().Select(p => $"{p.Workload}/{p.Algorithm}"));

    internal static string Verdict(ComparisonVerdict v) => v switch
    {
        ComparisonVerdict.Regression => "regression",
        ComparisonVerdict.Improvement => "improvement",
        ComparisonVerdict.NoChange => "no change",
        _ => "inconclusive",
    };

    private static string Ratio(ComparisonResult c) =>
        $"{R(c.Ratio)} [{R(c.RatioLower)}, {R(c.RatioUpper)}]";

    internal static string R(double v) => double.IsNaN(v) ? "n/a" : double.IsPositiveInfinity(v) ? "∞" : v.ToString("F3", CultureInfo.InvariantCulture);

    internal static string P(double p) => p.ToString("F4", CultureInfo.InvariantCulture);

    internal static string Seconds(double s) => double.IsFinite(s) ? s.ToString("F1", CultureInfo.InvariantCulture) + " s" : "∞";

    internal static string Pct(double f) => (f * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    internal static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;

    // Ratios come from exp/log: rounded to 12 decimals so the JSON does not depend on the last ulp of the platform's libm.
    internal static double? Rounded(double v) => double.IsFinite(v) ? Math.Round(v, 12) : null;
}
