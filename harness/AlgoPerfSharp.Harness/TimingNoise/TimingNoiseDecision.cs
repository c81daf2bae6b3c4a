namespace AlgoPerfSharp.Harness.TimingNoise;

/// <summary>
/// The decision rule for one candidate figure (CPU time or probe-normalised time): under the noisy neighbour, the mean
/// over cells of its coefficient of variation divided by the mean of the wall clock's, over the cells where both are
/// defined, for time-to-target and for step time. The figure ships only when both ratios are at most 0.5 (it at least
/// halves the noise).
/// </summary>
/// <param name="Figure">The candidate.</param>
/// <param name="Cells">Cells (workload × algorithm) where both CVs were defined for time-to-target.</param>
/// <param name="TimeToTargetRatio">Candidate ÷ wall-clock mean CV of time-to-target, or null without cells.</param>
/// <param name="StepRatio">Candidate ÷ wall-clock mean CV of step time, or null without cells.</param>
public sealed record TimingNoiseDecision(TimingFigure Figure, int Cells, double? TimeToTargetRatio, double? StepRatio)
{
    /// <summary>The largest ratio that still ships: the candidate must at least halve the wall clock's CV.</summary>
    public const double Threshold = 0.5;

    /// <summary>Whether the figure passes the rule (both ratios measured and ≤ <see cref="Threshold"/>).</summary>
    public bool Ships => TimeToTargetRatio is <= Threshold && StepRatio is <= Threshold;
}
