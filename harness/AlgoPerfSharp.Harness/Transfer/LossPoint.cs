namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>One eval row of a transfer trial: the step, the submission (timed) seconds so far and the validation loss.</summary>
/// <param name="Step">Global step at the eval.</param>
/// <param name="Seconds">Accumulated submission seconds at the eval (AlgoPerf's clock: update steps, not evals).</param>
/// <param name="Loss">Validation loss (NaN when not logged).</param>
public readonly record struct LossPoint(long Step, double Seconds, double Loss);
