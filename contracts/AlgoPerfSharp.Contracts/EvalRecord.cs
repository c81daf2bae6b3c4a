namespace AlgoPerfSharp.Contracts;

/// <summary>One past evaluation, as passed to later steps (AlgoPerf's <c>eval_results</c>).</summary>
/// <param name="GlobalStep">Steps completed when it was taken.</param>
/// <param name="SubmissionTimeSeconds">Accumulated timed seconds at that point.</param>
/// <param name="Metrics">Metric name → value, e.g. <c>validation/error_rate</c>.</param>
public sealed record EvalRecord(long GlobalStep, double SubmissionTimeSeconds, IReadOnlyDictionary<string, double> Metrics);
