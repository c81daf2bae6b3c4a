using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>How a trial ended, as recorded in its row.</summary>
/// <param name="State">Completed, Diverged, Failed, TimedOut or Interrupted.</param>
/// <param name="Error">Why it failed, diverged or stopped, when it did.</param>
/// <param name="Steps">Update steps completed.</param>
/// <param name="SubmissionSeconds">Accumulated timed seconds.</param>
/// <param name="MedianStepSeconds">Median wall time of one update step.</param>
public sealed record TrialEnd(TrialState State, string? Error, long Steps, double SubmissionSeconds, double MedianStepSeconds);
