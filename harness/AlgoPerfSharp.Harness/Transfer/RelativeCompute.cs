namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// One width's compute relative to AdamW's (issue 16, deliverable 3; arXiv 2512.05620's compute multiplier
/// C_AdamW / C): what the algorithm's transferred point and its best point at this width took to reach
/// <see cref="Target"/>, the base width's loss, against what AdamW's transferred and best points took at the same width.
/// Compute is counted in update steps, as the paper counts forward and backward FLOPs only: at one width both train the
/// same model on the same batch (every built-in uses the workload's reference batch), so steps are proportional to FLOPs.
/// Time is submission seconds (the optimizer's own cost included; depends on the machine's load).
/// </summary>
/// <param name="Width">The width.</param>
/// <param name="Target">Validation loss to reach: the worse of the two ladders' best base-width final losses, so that both reach it at the base width.</param>
/// <param name="Transferred">The algorithm's transferred point.</param>
/// <param name="Best">The algorithm's best point at this width.</param>
/// <param name="AdamWTransferred">AdamW's transferred point.</param>
/// <param name="AdamWBest">AdamW's best point at this width.</param>
public sealed record RelativeCompute(int Width, double Target, ComputeToLoss Transferred, ComputeToLoss Best, ComputeToLoss AdamWTransferred, ComputeToLoss AdamWBest)
{
    /// <summary>AdamW's steps ÷ the algorithm's, transferred points (&gt; 1: fewer steps than AdamW; 0: only AdamW reached the target; ∞: only the algorithm did; NaN: neither).</summary>
    public double TransferredMultiplier => Multiplier(AdamWTransferred.Steps, Transferred.Steps);

    /// <summary>AdamW's steps ÷ the algorithm's, best points.</summary>
    public double BestMultiplier => Multiplier(AdamWBest.Steps, Best.Steps);

    /// <summary>AdamW's submission seconds ÷ the algorithm's, transferred points.</summary>
    public double TransferredTimeMultiplier => Multiplier(AdamWTransferred.Seconds, Transferred.Seconds);

    /// <summary>AdamW's submission seconds ÷ the algorithm's, best points.</summary>
    public double BestTimeMultiplier => Multiplier(AdamWBest.Seconds, Best.Seconds);

    /// <summary>
    /// Per width that both ladders have (ascending), <paramref name="ladder"/> against <paramref name="adamw"/>; empty
    /// when either has no finite base-width loss.
    /// </summary>
    public static IReadOnlyList<RelativeCompute> Of(TransferLadder ladder, TransferLadder adamw)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        ArgumentNullException.ThrowIfNull(adamw);
        if (ladder.BestTrial(ladder.BaseWidth) is not { } mine || adamw.BestTrial(adamw.BaseWidth) is not { } theirs) return [];
        double target = Math.Max(mine.Loss, theirs.Loss);
        return [.. ladder.Widths.Intersect(adamw.Widths).Order().Select(w => new RelativeCompute(w, target,
            ComputeToLoss.Reach(ladder.TransferredTrial(w)?.Curve, target), ComputeToLoss.Reach(ladder.BestTrial(w)?.Curve, target),
            ComputeToLoss.Reach(adamw.TransferredTrial(w)?.Curve, target), ComputeToLoss.Reach(adamw.BestTrial(w)?.Curve, target)))];
    }

    private static double Multiplier(double adamw, double mine) =>
        double.IsInfinity(adamw) && double.IsInfinity(mine) ? double.NaN
        : double.IsInfinity(mine) ? 0
        : double.IsInfinity(adamw) ? double.PositiveInfinity
        : adamw / mine;
}
