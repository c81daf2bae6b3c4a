using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Calibration;

/// <summary>
/// AlgoPerf's target-setting protocol at our scale, over stored sweeps: (1) tune each baseline over its search space
/// with N external-tuning trials trained to the full budget; (2) rerun the single best configuration with K seeds
/// (K studies); (3) target = median over seeds of the best validation metric; budget = 4/3 × median time to reach it.
/// "Median" is the ⌈K/2⌉-th best value (the median for odd K; for even K the better of the middle two, not their mean),
/// so at least half of the seeds reach the target and the median time to reach it is finite.
/// </summary>
public static class Calibrator
{
    /// <summary>How many times the budget (and the step hint) the long run trains for.</summary>
    public const double LongRunFactor = 4;

    /// <summary>The least fraction of the way from the initial metric to the long run's best a target must lie at.</summary>
    public const double ConvergedFraction = 0.9;

    /// <summary>The largest eval period as a fraction of the median time-to-target (the times' resolution).</summary>
    public const double EvalPeriodFraction = 0.05;

    /// <summary>The largest share of a trial's wall time evaluation may take.</summary>
    public const double MaxEvalShare = 0.25;

    /// <summary>The best validation value of <paramref name="metric"/> among <paramref name="evals"/> (NaN when none).</summary>
    public static double Best(IReadOnlyList<StoredEval> evals, string metric, bool lowerIsBetter)
    {
        ArgumentNullException.ThrowIfNull(evals);
        var values = evals.Select(e => e.Metrics.GetValueOrDefault(metric, double.NaN)).Where(double.IsFinite).ToList();
        return values.Count == 0 ? double.NaN : lowerIsBetter ? values.Min() : values.Max();
    }

    /// <summary>
    /// The ⌈n/2⌉-th best of <paramref name="values"/> (NaN counts as worst): the median for odd n, the better middle
    /// value for even n; NaN when empty.
    /// </summary>
    public static double LowerMedian(IEnumerable<double> values, bool lowerIsBetter = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        double worst = lowerIsBetter ? double.PositiveInfinity : double.NegativeInfinity;
        var clean = values.Select(v => double.IsNaN(v) ? worst : v);
        var sorted = (lowerIsBetter ? clean.Order() : clean.OrderDescending()).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[(sorted.Length - 1) / 2];
    }

    /// <summary>The protocol's step 1 → step 2 hand-off: the trial with the best validation metric among <paramref name="trials"/>.</summary>
    public static (StoredTrial Trial, double Metric) BestTrial(ResultsStore store, IReadOnlyList<StoredTrial> trials, StoredWorkloadSpec ws)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(ws);
        var scored = trials.Select(t => (Trial: t, Metric: Best(store.Evals(t.Id), ws.TargetMetric, ws.LowerIsBetter)))
            .Where(x => double.IsFinite(x.Metric)).ToList();
        if (scored.Count == 0) throw new InvalidOperationException($"no tuning trial of {ws.Name} produced a finite {ws.TargetMetric}");
        return ws.LowerIsBetter ? scored.MinBy(x => x.Metric) : scored.MaxBy(x => x.Metric);
    }

    /// <summary>Steps 2–3: the target, budget, step hint and eval period from the seed reruns.</summary>
    public static CalibrationResult Propose(
        ResultsStore store, IReadOnlyList<StoredTrial> seedRuns, StoredWorkloadSpec ws, string preset, int tuningTrials, double tuningBudget,
        StoredTrial best)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(seedRuns);
        ArgumentNullException.ThrowIfNull(ws);
        ArgumentNullException.ThrowIfNull(best);
        var evals = seedRuns.Select(t => store.Evals(t.Id)).ToList();
        var bests = evals.Select(e => Best(e, ws.TargetMetric, ws.LowerIsBetter)).ToList();
        double target = LowerMedian(bests, ws.LowerIsBetter);
        var reach = evals.Select(e => e.FirstOrDefault(r => Meets(r, ws, target))).ToList();
        var times = reach.Select(r => r?.SubmissionSeconds ?? double.PositiveInfinity).ToList();
        var steps = reach.Select(r => r is null ? double.PositiveInfinity : r.Step).ToList();
        double medianTime = LowerMedian(times);
        double budget = 4.0 / 3.0 * medianTime;
        double stepHint = 4.0 / 3.0 * LowerMedian(steps);
        var all = evals.Where(e => e.Count > 0).ToList();
        double evalCost = all.Count == 0 ? 0 : all.Average(e => e[^1].EvalSeconds / e.Count);
        double period = EvalPeriodFraction * medianTime;
        return new CalibrationResult(ws.Name, preset, ws.TargetMetric, ws.LowerIsBetter, tuningTrials, tuningBudget, best.Algorithm,
            Hyperparameters(best), bests, target, times, budget, double.IsFinite(stepHint) ? (long)Math.Round(stepHint) : 0, period)
        {
            EvalPassSeconds = evalCost,
            EvalShare = EvalShareOf(evalCost, period),
        };
    }

    /// <summary>
    /// The share of a trial's wall time spent evaluating when a pass costs <paramref name="passSeconds"/> and one runs
    /// every <paramref name="periodSeconds"/> timed seconds: pass / (period + pass).
    /// </summary>
    public static double EvalShareOf(double passSeconds, double periodSeconds) =>
        passSeconds <= 0 ? 0 : passSeconds / (periodSeconds + passSeconds);

    /// <summary>
    /// Step 4: how far <paramref name="target"/> lies from the long run's initial metric (its first eval) toward its best
    /// metric (see <see cref="ConvergenceCheck"/>). NaN fraction when the run has no finite metric or never improved.
    /// </summary>
    public static ConvergenceCheck Convergence(IReadOnlyList<StoredEval> longRun, StoredWorkloadSpec ws, double target, double longRunSeconds, long longRunStepHint)
    {
        ArgumentNullException.ThrowIfNull(longRun);
        ArgumentNullException.ThrowIfNull(ws);
        double initial = longRun.Count == 0 ? double.NaN : longRun[0].Metrics.GetValueOrDefault(ws.TargetMetric, double.NaN);
        double bestMetric = Best(longRun, ws.TargetMetric, ws.LowerIsBetter);
        double fraction = (initial - target) / (initial - bestMetric); // the same formula either way: both differences flip sign
        return new ConvergenceCheck(initial, bestMetric, target, double.IsFinite(fraction) ? fraction : double.NaN, longRunSeconds, longRunStepHint);
    }

    /// <summary>
    /// Step 4's run: the best configuration, one seed, trained <see cref="LongRunFactor"/> × <paramref name="budgetSeconds"/>
    /// with the step hint stretched alike (so the schedule decays over the long run, not the short one) and no stop at
    /// the target.
    /// </summary>
    public static SweepRequest LongRunRequest(string label, StoredTrial best, double budgetSeconds, long stepHint, ulong seed, TrialRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(options);
        return new(label, [best.Workload], [best.Algorithm], TuningRuleset.ExternalTuning, 1, 1, seed, Rerun(best), 0, 1, options with
        {
            StopAtTarget = false,
            MaxRuntimeSeconds = LongRunFactor * budgetSeconds,
            StepHint = Math.Max(1, (long)Math.Ceiling(LongRunFactor * stepHint)),
        });
    }

    /// <summary>The fixed one-point search space that reruns <paramref name="best"/>'s hyperparameters.</summary>
    public static SearchSpace Rerun(StoredTrial best)
    {
        ArgumentNullException.ThrowIfNull(best);
        return SearchSpace.FromPoints([Store.StoredTrials.ToSpec(best).Hyperparameters]);
    }

    private static System.Text.Json.JsonElement Hyperparameters(StoredTrial t)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(t.HyperparametersJson);
        return doc.RootElement.Clone();
    }

    private static bool Meets(StoredEval e, StoredWorkloadSpec ws, double target) =>
        e.Metrics.TryGetValue(ws.TargetMetric, out double v) && (ws.LowerIsBetter ? v <= target : v >= target);

    /// <summary>The tuning sweep request (step 1).</summary>
    public static SweepRequest TuningRequest(string label, string workload, IReadOnlyList<string> algorithms, int trials, ulong seed, TrialRunnerOptions options) =>
        new(label, [workload], algorithms, TuningRuleset.ExternalTuning, 1, trials, seed, null, 0, 1, options with { StopAtTarget = false });

    /// <summary>The seed-rerun sweep request (step 2): the best configuration, <paramref name="seeds"/> studies.</summary>
    public static SweepRequest SeedRequest(string label, StoredTrial best, int seeds, ulong seed, TrialRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(best);
        return new(label, [best.Workload], [best.Algorithm], TuningRuleset.ExternalTuning, seeds, 1, seed, Rerun(best), 0, 1, options with { StopAtTarget = false });
    }
}
