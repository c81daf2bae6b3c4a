using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// The named sweep plans (<c>--plan</c>; not to be confused with the workload size <c>--preset</c>):
/// <list type="bullet">
/// <item><c>quick</c>: self-tuning, <see cref="QuickStudies"/> studies (AlgoPerf v0.6's minimum, so the leaderboard has
///   intervals), the <see cref="QuickAlgorithms"/> × the base workloads at the <c>quick</c> preset, whose calibrated budgets
///   (about half a minute each, × 1.5 for self-tuning) and eval periods keep each study under
///   <see cref="QuickSeconds"/> s of wall time on 2 cores; validation-only evals;</item>
/// <item><c>extended</c>: the quick plan with every built-in algorithm, the newer ones included, on the base workloads
///   and the click-log DLRMs (<see cref="DlrmWorkloads"/>; several hours, far longer than the main job's limit);</item>
/// <item><c>smoke</c>: the quick plan's algorithms at the <c>tiny</c> preset, the per-trial budget scaled from the trial count so the
///   sweep takes about <see cref="SmokeSeconds"/> s;</item>
/// <item><c>full</c>: external tuning, 3 studies × 5 trials, every built-in × the base workloads and the click-log DLRMs at
///   <c>cpu</c> with their own budgets;</item>
/// <item><c>dlrm</c>: the quick plan's settings and algorithms on the click-log DLRMs (<see cref="DlrmWorkloads"/>: the
///   synthetic log, plain and QR tables) instead of the base workloads, at the quick preset, where their targets and
///   budgets are calibrated (as at cpu; at tiny and gpu they are placeholders, which <c>sweep</c> prints as a warning
///   above the trials and under the leaderboard); the DLRMs stay out of <c>quick</c> so as not to lengthen the main job
///   (already about 27 min against a 25-minute aim).</item>
/// </list>
/// A plan only fills what the command line and config left unset: <c>--studies N</c> (and every other setting given)
/// overrides any plan's default.
/// </summary>
public static class SweepPlans
{
    /// <summary>Wall-clock limit one study of the quick plan is designed to stay under (the whole plan: × its studies).</summary>
    public const double QuickSeconds = 20 * 60;

    /// <summary>Studies the quick plan runs unless <c>--studies</c> says otherwise: 3, as AlgoPerf v0.6 — the fewest that
    /// give every (algorithm, workload) cell a spread for the leaderboard's bootstrap intervals.</summary>
    public const int QuickStudies = 3;

    /// <summary>Wall-clock target of the smoke plan.</summary>
    public const double SmokeSeconds = 60;

    /// <summary>Wall-clock seconds a smoke trial spends outside its timed budget (worker start, data, evals).</summary>
    public const double SmokeOverheadSeconds = 2.5;

    /// <summary>The plan names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["quick", "extended", "smoke", "full", "dlrm"];

    /// <summary>The workloads of the <c>dlrm</c> plan: DLRM-small on the synthetic click log, with plain and with quotient–remainder tables.</summary>
    public static IReadOnlyList<string> DlrmWorkloads { get; } = [CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr];

    /// <summary>
    /// The algorithms of the quick and smoke plans (the main job): the eight built-ins of the first version. The list is
    /// fixed so that the main job's wall time — designed and measured for these — does not grow when a built-in is
    /// added; newer built-ins run with <c>--plan extended</c> or by name (<c>-a</c>).
    /// </summary>
    public static IReadOnlyList<string> QuickAlgorithms { get; } =
        ["adamw", "nadamw", "sgd_nesterov", "muon", "shampoo", "ec_shampoo", "purified_shampoo", "soap"];

    /// <summary>
    /// The timed budget per trial (before the 1.5 self-tuning multiplier) that fits <paramref name="trials"/> trials in
    /// <paramref name="totalSeconds"/> of wall time, after <paramref name="overheadSeconds"/> per trial for the worker's
    /// start, set-up and evals: (total / trials − overhead) / 1.5, at least 1 s.
    /// </summary>
    public static double BudgetPerTrial(double totalSeconds, int trials, double overheadSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        return Math.Max(1, ((totalSeconds / trials) - overheadSeconds) / SweepPlanner.SelfTuningBudgetMultiplier);
    }

    /// <summary>
    /// Fills <paramref name="o"/>'s unset fields from its plan (no-op without one; validation reports unknown plans),
    /// taking the workloads and algorithms from <paramref name="registries"/>.
    /// </summary>
    public static void Apply(HarnessOptions o, Registries registries)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(registries);
        if (o.Plan is null || !Names.Contains(o.Plan, StringComparer.Ordinal)) return;
        if (o.Workloads.Count == 0)
        {
            o.Workloads = o.Plan switch
            {
                "dlrm" => [.. DlrmWorkloads],
                "extended" or "full" => [.. registries.BaseWorkloads(), .. DlrmWorkloads],
                _ => [.. registries.BaseWorkloads()],
            };
        }

        if (o.Algorithms.Count == 0)
        {
            o.Algorithms = o.Plan is "quick" or "smoke" or "dlrm" ? [.. QuickAlgorithms] : [.. registries.AlgorithmRegistry.BuiltIns.Select(a => a.Name)];
        }

        o.Label ??= o.Plan;
        if (o.Plan == "full")
        {
            o.Ruleset ??= "external";
            o.Studies ??= 3;
            o.Trials ??= 5;
            o.Preset ??= "cpu";
            return;
        }

        o.Ruleset ??= "self";
        o.Trials ??= 1;
        if (o.Plan is "quick" or "extended" or "dlrm")
        {
            o.Studies ??= QuickStudies;
            // The quick preset's own calibrated targets, budgets and eval periods; test evals skipped (not scored).
            o.Preset ??= "quick";
            o.NoTestEval = true;
            return;
        }

        o.Studies ??= 1;
        o.Preset ??= "tiny";
        // an oversized plan is refused by validation (SweepPlanner.MaxTrials); clamp so the arithmetic here cannot overflow
        long count = Math.Clamp(SweepPlanner.Count(o.Workloads.Count, o.Algorithms.Count, TuningRuleset.SelfTuning, o.Studies.Value, 1), 1, SweepPlanner.MaxTrials);
        o.MaxRuntime ??= BudgetPerTrial(SmokeSeconds, (int)count, SmokeOverheadSeconds);
        o.EvalPeriod ??= o.MaxRuntime * SweepPlanner.SelfTuningBudgetMultiplier / 8;
    }
}
