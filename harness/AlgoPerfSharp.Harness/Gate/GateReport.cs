using System.Globalization;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Gate;

/// <summary>
/// The verdicts of a CI gate: per workload, three paired comparisons (<see cref="PairedComparison"/>) of the candidate's
/// studies against the baseline's studies with the same seeds — (a) the median step time of each study's trial,
/// (b) its steps-to-target (the global step of the first eval meeting the validation target within the budget; +∞ if
/// none), (c) its time-to-target (AlgoPerf's submission time at that eval; +∞ if none), (d) the validation metric at
/// its last eval as a cost (the metric if lower is better, else its reciprocal; +∞ if not finite), paired only when both
/// trials ended at the same step — the convergence figure that still speaks when neither side reaches the target.
/// Studies present on one side only are left out (noted). Any regression verdict fails the gate.
/// </summary>
/// <param name="Baseline">Baseline algorithm and run.</param>
/// <param name="Candidate">Candidate algorithm and run.</param>
/// <param name="Studies">Studies planned per workload.</param>
/// <param name="Options">α and δ.</param>
/// <param name="Rows">One row per workload, in the plan's order.</param>
public sealed record GateReport(string Baseline, string Candidate, int Studies, ComparisonOptions Options, IReadOnlyList<GateRow> Rows)
{
    /// <summary>True when any verdict of any workload is a regression (the gate then exits 1).</summary>
    public bool HasRegression => Rows.Any(r => r.IsRegression);

    /// <summary>Computes the verdicts from the two runs of <paramref name="plan"/> in <paramref name="store"/>.</summary>
    /// <exception cref="ResultsStoreException">A run is missing or has no trials, or the two sides recorded a workload
    /// with different constants (preset, target, budget); the message names it.</exception>
    public static GateReport Compute(ResultsStore store, GatePlan plan, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(plan);
        options ??= ComparisonOptions.Default;
        ScoringInput Load(GateSide side)
        {
            string label = plan.RunLabel(side);
            var run = store.FindRun(label) ?? throw new ResultsStoreException($"{store.Path} has no run '{label}': run the gate first");
            return ScoringInput.Load(store, [run], TuningRuleset.ExternalTuning);
        }

        var b = Load(GateSide.Baseline);
        var c = Load(GateSide.Candidate);
        var rows = new List<GateRow>();
        foreach (var workload in plan.Workloads)
        {
            string w = SafeText.Terminal(workload.Name);
            var notes = new List<string>();
            if (b.StoredSpecs.TryGetValue(w, out var bSpec) && c.StoredSpecs.TryGetValue(w, out var cSpec) && bSpec.Difference(cSpec) is { } difference)
            {
                throw new ResultsStoreException($"the gate's two runs recorded {w} differently: {difference}; pass another --label for a new comparison");
            }

            var spec = b.Specs.FirstOrDefault(s => s.Name == w);
            List<double> bStep = [], cStep = [], bSteps = [], cSteps = [], bTime = [], cTime = [], bFinal = [], cFinal = [];
            for (int s = 0; s < plan.Studies && spec is not null; s++)
            {
                var bt = b.Trials.FirstOrDefault(t => t.Stored.Workload == w && t.Stored.Study == s);
                var ct = c.Trials.FirstOrDefault(t => t.Stored.Workload == w && t.Stored.Study == s);
                if (bt is null || ct is null)
                {
                    notes.Add($"study {s}: not run on the {(bt is null ? "baseline" : "candidate")} side (re-run the gate to finish it)");
                    continue;
                }

                var bReached = TimeToTarget.ForTrial(bt.Record, spec, b.Ruleset);
                var cReached = TimeToTarget.ForTrial(ct.Record, spec, c.Ruleset);
                bTime.Add(bReached.ValidationSeconds);
                cTime.Add(cReached.ValidationSeconds);
                bSteps.Add(StepsOf(bReached));
                cSteps.Add(StepsOf(cReached));
                if (Final(bt, spec) is { } bf && Final(ct, spec) is { } cf)
                {
                    if (bf.Step != cf.Step)
                    {
                        notes.Add($"study {s}: final metric not compared (last evals at steps {bf.Step} and {cf.Step})");
                    }
                    else if (bf.Cost > 0 && cf.Cost > 0)
                    {
                        bFinal.Add(bf.Cost);
                        cFinal.Add(cf.Cost);
                    }
                    else
                    {
                        notes.Add($"study {s}: final metric not compared (a perfect score of 0 has no ratio)");
                    }
                }

                if (bt.Stored.MedianStepSeconds > 0 && ct.Stored.MedianStepSeconds > 0)
                {
                    bStep.Add(bt.Stored.MedianStepSeconds);
                    cStep.Add(ct.Stored.MedianStepSeconds);
                }
                else
                {
                    notes.Add($"study {s}: no step time recorded ({bt.Stored.State.ToString().ToLowerInvariant()} / {ct.Stored.State.ToString().ToLowerInvariant()})");
                }
            }

            if (spec is null) notes.Add("no trials on the baseline side");
            PairedComparisonResult? Paired(List<double> x, List<double> y) => x.Count == 0 ? null : PairedComparison.Compare(x, y, options);
            rows.Add(new GateRow(w, Paired(bStep, cStep), Paired(bSteps, cSteps), Paired(bTime, cTime), Paired(bFinal, cFinal), notes));
        }

        return new GateReport(
            $"{SafeText.Terminal(plan.Baseline)} (run {SafeText.Terminal(plan.RunLabel(GateSide.Baseline))})",
            $"{SafeText.Terminal(plan.Candidate)} (run {SafeText.Terminal(plan.RunLabel(GateSide.Candidate))})",
            plan.Studies, options, rows);
    }

    /// <summary>A GitHub-flavoured markdown summary for a CI log.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        string conf = ReleaseComparisonReport.Pct(1 - (2 * Options.SignificanceLevel));
        string delta = ReleaseComparisonReport.Pct(Options.MinimumEffect);
        sb.Append(CultureInfo.InvariantCulture, $"# AlgoPerfSharp CI gate\n\nBaseline: {SafeText.Markdown(Baseline)}. Candidate: {SafeText.Markdown(Candidate)}. {Studies} studies per workload.\n\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"Method: study s of both sides has the same data and initialisation seeds, and the trials ran interleaved; per workload and figure, the per-study candidate/baseline ratios are tested with exact one-sided Wilcoxon signed-rank tests at α = {ReleaseComparisonReport.G(Options.SignificanceLevel)}. ");
        sb.Append(CultureInfo.InvariantCulture,
            $"Ratio = Hodges–Lehmann estimate (> 1: the candidate is slower or needs more steps) with its distribution-free {conf} interval. regression = significantly worse by at least {delta}; improvement = significantly better by at least {delta}; no change = the interval lies within ±{delta}; inconclusive = none of these. A study that missed the target counts as ∞.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"| workload | figure | studies | base → cand (median) | ratio [{conf} CI] | p (worse) | verdict |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---|\n");
        foreach (var row in Rows)
        {
            foreach (var (name, r) in row.Cells)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {SafeText.Markdown(row.Workload)} | {name} | ");
                if (r is null)
                {
                    sb.Append("0 | — | — | — | not measured |\n");
                    continue;
                }

                string medians = $"{Value(name, r.BaselineMedian)} → {Value(name, r.CandidateMedian)}";
                sb.Append(CultureInfo.InvariantCulture,
                    $"{r.Pairs} | {medians} | {ReleaseComparisonReport.R(r.Ratio)} [{ReleaseComparisonReport.R(r.RatioLower)}, {ReleaseComparisonReport.R(r.RatioUpper)}] | {ReleaseComparisonReport.P(r.PValueSlower)} | {Verdict(r.Verdict)} |\n");
            }
        }

        sb.Append('\n');
        foreach (var row in Rows)
        {
            foreach (var n in row.Notes) sb.Append("- ").Append(SafeText.Markdown(row.Workload)).Append(": ").Append(SafeText.Markdown(n)).Append('\n');
        }

        int regressions = Rows.Sum(r => r.Cells.Count(c => c.Result?.Verdict == ComparisonVerdict.Regression));
        sb.Append(regressions == 0
            ? $"\n**Gate: pass** — no regression in {Rows.Count} workload(s) (exit code 0).\n"
            : $"\n**Gate: FAIL** — {regressions} regression verdict(s) (exit code 1).\n");
        return sb.ToString();
    }

    /// <summary>JSON for tooling (∞ and NaN written as null; ratios rounded to 12 decimals).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        baseline = Baseline,
        candidate = Candidate,
        studies = Studies,
        significance_level = Options.SignificanceLevel,
        minimum_effect = Options.MinimumEffect,
        confidence_level = 1 - (2 * Options.SignificanceLevel),
        has_regression = HasRegression,
        rows = Rows.Select(r => new
        {
            workload = r.Workload,
            regression = r.IsRegression,
            step_time = Json(r.StepTime),
            steps_to_target = Json(r.StepsToTarget),
            time_to_target = Json(r.TimeToTarget),
            final_metric = Json(r.FinalMetric),
            notes = r.Notes,
        }),
    }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The last eval's step and the validation metric there as a cost (lower is better; +∞ if not finite), or null without evals.</summary>
    private static (long Step, double Cost)? Final(LoadedTrial t, WorkloadScoringSpec spec)
    {
        if (t.Evals.Count == 0) return null;
        var last = t.Evals[^1];
        double m = last.Metrics.TryGetValue(spec.ValidationMetric, out var v) ? v : double.NaN;
        double cost = !double.IsFinite(m) ? double.PositiveInfinity : spec.Direction == MetricDirection.LowerIsBetter ? m : 1 / m;
        return (last.Step, cost);
    }

    private static double StepsOf(TrialTimeToTarget t) => t.ValidationStep is { } step ? Math.Max(1, step) : double.PositiveInfinity;

    private static string Verdict(ComparisonVerdict v) => ReleaseComparisonReport.Verdict(v);

    private static string Value(string figure, double v) => figure switch
    {
        "step time" => LeaderboardResult.Ms(v),
        "steps-to-target" => double.IsFinite(v) ? v.ToString("0.#", CultureInfo.InvariantCulture) : "∞",
        "final metric" => double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "∞",
        _ => ReleaseComparisonReport.Seconds(v),
    };

    private static object? Json(PairedComparisonResult? c) => c is null ? null : new
    {
        verdict = Verdict(c.Verdict),
        ratio = ReleaseComparisonReport.Rounded(c.Ratio),
        ratio_lower = ReleaseComparisonReport.Rounded(c.RatioLower),
        ratio_upper = ReleaseComparisonReport.Rounded(c.RatioUpper),
        p_value_slower = c.PValueSlower,
        p_value_faster = c.PValueFaster,
        exact_p_values = c.ExactPValues,
        baseline_median = ReleaseComparisonReport.Finite(c.BaselineMedian),
        candidate_median = ReleaseComparisonReport.Finite(c.CandidateMedian),
        studies = c.Pairs,
        zero_differences = c.ZeroDifferences,
    };
}
