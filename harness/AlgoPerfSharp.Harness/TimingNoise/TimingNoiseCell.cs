namespace AlgoPerfSharp.Harness.TimingNoise;

/// <summary>
/// One (condition, workload, algorithm, figure) of the timing-noise experiment: how much a figure varied across the
/// A/A repetitions (runs) of one condition. Coefficients of variation are null with fewer than two values.
/// </summary>
/// <param name="Condition">"idle" or "neighbour".</param>
/// <param name="Workload">Workload name.</param>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="Figure">Which time figure.</param>
/// <param name="Repetitions">Runs that hold this workload × algorithm.</param>
/// <param name="Reached">Repetitions whose trial reached the validation target.</param>
/// <param name="TimeToTargetCv">CV of time-to-target over the repetitions that reached the target.</param>
/// <param name="StepCv">CV of the step time over the repetitions with this figure recorded.</param>
/// <param name="MeanTimeToTarget">Mean time-to-target (seconds of this figure), or null.</param>
/// <param name="MeanStep">Mean step time (seconds of this figure), or null.</param>
public sealed record TimingNoiseCell(
    string Condition, string Workload, string Algorithm, TimingFigure Figure, int Repetitions, int Reached,
    double? TimeToTargetCv, double? StepCv, double? MeanTimeToTarget, double? MeanStep);
