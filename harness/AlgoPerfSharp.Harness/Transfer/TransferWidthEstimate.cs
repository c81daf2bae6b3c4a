namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>One width's row of a <see cref="TransferEstimate"/>.</summary>
/// <param name="Width">The width.</param>
/// <param name="Trials">Trials at this width (the base grid's points at ×1, the local grid's elsewhere).</param>
/// <param name="Steps">Steps per trial.</param>
/// <param name="StepSeconds">Seconds of one update step at this width (measured).</param>
/// <param name="EvalsPerTrial">Eval rows per trial.</param>
/// <param name="EvalSeconds">Seconds of one validation eval at this width (measured).</param>
public sealed record TransferWidthEstimate(int Width, int Trials, long Steps, double StepSeconds, int EvalsPerTrial, double EvalSeconds)
{
    /// <summary>Trials × steps × step seconds.</summary>
    public double TimedSeconds => Trials * Steps * StepSeconds;

    /// <summary>Trials × (steps × step seconds + evals × eval seconds + <paramref name="overheadSeconds"/>).</summary>
    public double WallSeconds(double overheadSeconds) => Trials * ((Steps * StepSeconds) + (EvalsPerTrial * EvalSeconds) + overheadSeconds);

    /// <summary>Eval rows of a trial of <paramref name="steps"/> steps evaluated every <paramref name="every"/> steps (and at the last step): ⌈steps / every⌉.</summary>
    public static int Evals(long steps, long every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        return (int)((steps + every - 1) / every);
    }
}
