using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>How a trial ended.</summary>
/// <param name="State">Completed, Diverged, Failed, TimedOut or Interrupted.</param>
/// <param name="Steps">Update steps completed.</param>
/// <param name="SubmissionSeconds">Accumulated timed seconds.</param>
/// <param name="TimeToTargetSeconds">Submission time at the first eval meeting the validation target, or null.</param>
/// <param name="MedianStepSeconds">Median wall time of one update step.</param>
/// <param name="Error">Why it failed, diverged or stopped, when it did.</param>
public sealed record TrialOutcome(TrialState State, long Steps, double SubmissionSeconds, double? TimeToTargetSeconds, double MedianStepSeconds, string? Error)
{
    /// <summary>Median time inside the algorithm's <c>Update</c> (its forward/backward and optimizer) in this invocation; 0 when unknown (worker runs).</summary>
    public double MedianUpdateSeconds { get; init; }

    /// <summary>What was measured of memory when <see cref="TrialRunnerOptions.MeasureMemory"/> was set and the trial reached its <c>MaxSteps</c>; else null (and always null from worker runs).</summary>
    public TrialMemory? Memory { get; init; }
}

/// <summary>A progress report after a step or an eval (for live displays).</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Loss">Last training loss.</param>
/// <param name="SubmissionSeconds">Timed seconds so far.</param>
/// <param name="BudgetSeconds">The budget.</param>
/// <param name="LastTargetMetric">Last validation value of the target metric, or NaN before the first eval.</param>
/// <param name="Target">The validation target.</param>
public sealed record TrialProgress(long Step, double Loss, double SubmissionSeconds, double BudgetSeconds, double LastTargetMetric, double Target);
