using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>Knobs of one trial run beyond the workload's spec.</summary>
public sealed record TrialRunnerOptions
{
    /// <summary>Stop after this many steps even if budget remains (smoke runs, tests). Null = no cap.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Override of the workload's eval period in timed seconds (tests). Null = the spec's.</summary>
    public double? EvalPeriodSeconds { get; init; }

    /// <summary>
    /// Override of the workload's step hint, the schedule horizon the algorithm is told (calibration's long runs stretch
    /// it with the budget). Null = the spec's.
    /// </summary>
    public long? StepHint { get; init; }

    /// <summary>Override of the workload's budget in timed seconds (before the ruleset multiplier). Null = the spec's.</summary>
    public double? MaxRuntimeSeconds { get; init; }

    /// <summary>Evaluate every this many steps instead of by time (deterministic eval points; tests and resume checks). Null = by time.</summary>
    public long? EvalEverySteps { get; init; }

    /// <summary>Where checkpoints go (one folder per trial); null = no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Wall-clock seconds between checkpoints: one is written at the worker's first eval, then at the first eval this far
    /// (or further) from the previous checkpoint, and always on Ctrl+C/SIGTERM. A killed worker (SIGKILL, out of memory)
    /// resumes from the last one and loses at most this much work; the rows past it are rewound. 0 = at every eval.
    /// </summary>
    public double CheckpointIntervalSeconds { get; init; } = DefaultCheckpointIntervalSeconds;

    /// <summary>
    /// The default <see cref="CheckpointIntervalSeconds"/>. A checkpoint at every eval cost the quick preset's trials
    /// 8–9 ms an eval, 0.3 s a trial, about 20 s of the main job's wall time.
    /// </summary>
    public const double DefaultCheckpointIntervalSeconds = 10;

    /// <summary>
    /// Wall-clock limit of the whole trial in seconds (in-process guard between steps; a worker process past it is also
    /// killed by its supervisor, even inside a step that never ends). ∞ (the default) = none; null = each trial's own
    /// <see cref="DefaultWallClockLimit"/> of its budget, which sweeps use unless <c>--trial-timeout</c> is given.
    /// </summary>
    public double? WallClockLimitSeconds { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Seconds a trial may spend past 3 × its timed budget before <see cref="DefaultWallClockLimit"/> ends it. The 3 ×
    /// covers evals and checkpoints (evals take ≤ 25 % of a calibrated budget), stretched by a loaded machine; this
    /// covers the worker's start, model and data (about 11 s a trial on the idle machine, data caches written before
    /// the first trial). A trial past it hangs: e.g. SOAP's first step on the quick DLRM's 8,192 × 8,192 factors ran
    /// more than 8 minutes, and the limit used to be 24 h when the budget was the workload's own.
    /// </summary>
    public const double WallClockGraceSeconds = 120;

    /// <summary>The wall-clock limit of a trial whose timed budget (with its ruleset multiplier) is <paramref name="budgetSeconds"/>: 3 × it + 2 min.</summary>
    public static double DefaultWallClockLimit(double budgetSeconds) => (3 * budgetSeconds) + WallClockGraceSeconds;

    /// <summary>The timed budget of <paramref name="trial"/> on a workload whose spec is <paramref name="workload"/>: <see cref="MaxRuntimeSeconds"/> (or the spec's) × the trial's multiplier.</summary>
    public double BudgetSeconds(WorkloadSpec workload, TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(trial);
        return (MaxRuntimeSeconds ?? workload.MaxRuntimeSeconds) * trial.BudgetMultiplier;
    }

    /// <summary>The wall-clock limit of <paramref name="trial"/>: <see cref="WallClockLimitSeconds"/>, or when null the default of the trial's own budget.</summary>
    public double WallClockLimit(WorkloadSpec workload, TrialSpec trial) => WallClockLimitSeconds ?? DefaultWallClockLimit(BudgetSeconds(workload, trial));

    /// <summary>Also evaluate the test split at each eval (reported, not scored).</summary>
    public bool EvaluateTest { get; init; } = true;

    /// <summary>
    /// Where the trial's model trains and evaluates (<c>cpu</c>, <c>cuda:N</c>; text, so that it crosses the worker
    /// request as written): set as the workload's <see cref="AlgoPerfSharp.Workloads.IWorkload.Device"/> before the model is built.
    /// </summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Stop as soon as the validation target is met.</summary>
    public bool StopAtTarget { get; init; } = true;

    /// <summary>
    /// Measure memory (<see cref="TrialOutcome.Memory"/>): this process's resident set before the algorithm's Init, and
    /// its resident set, its peak and the algorithm's checkpoint-state bytes after the last step when the trial ends at
    /// <see cref="MaxSteps"/> (<c>algoperf bench</c>). Costs one untimed <c>SaveState</c> at that step.
    /// </summary>
    public bool MeasureMemory { get; init; }
}
