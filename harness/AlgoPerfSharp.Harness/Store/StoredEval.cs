namespace AlgoPerfSharp.Harness.Store;

/// <summary>One evaluation of a trial, with AlgoPerf's time columns.</summary>
/// <param name="Step">Global step at the eval.</param>
/// <param name="SubmissionSeconds">Accumulated submission (timed) seconds — AlgoPerf's <c>score</c>.</param>
/// <param name="EvalSeconds">Accumulated evaluation seconds (untimed).</param>
/// <param name="LoggingSeconds">Accumulated logging/checkpoint seconds (untimed).</param>
/// <param name="TotalSeconds">Wall-clock seconds since the trial started.</param>
/// <param name="Metrics">Metric name → value (train/…, validation/…, test/…).</param>
/// <param name="Diagnostics">Algorithm diagnostics at the eval.</param>
public sealed record StoredEval(
    long Step, double SubmissionSeconds, double EvalSeconds, double LoggingSeconds, double TotalSeconds,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, double> Diagnostics);
