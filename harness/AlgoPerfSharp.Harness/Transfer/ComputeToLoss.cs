namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// Steps and submission seconds a trial took to first reach a validation loss, linearly interpolated between the eval
/// before and the first eval at or below it (at the first eval: that eval's). Both +∞ when the trial never reached it.
/// </summary>
/// <param name="Steps">Update steps (fractional when interpolated).</param>
/// <param name="Seconds">Submission seconds (update steps, PrepareForEval and diagnostics; not evals).</param>
public readonly record struct ComputeToLoss(double Steps, double Seconds)
{
    /// <summary>Never reached.</summary>
    public static ComputeToLoss Never { get; } = new(double.PositiveInfinity, double.PositiveInfinity);

    /// <summary>Where <paramref name="curve"/> (eval rows in step order) first reaches <paramref name="target"/>; <see cref="Never"/> for a null curve.</summary>
    public static ComputeToLoss Reach(IReadOnlyList<LossPoint>? curve, double target)
    {
        if (curve is null) return Never;
        for (int i = 0; i < curve.Count; i++)
        {
            if (!(curve[i].Loss <= target)) continue;
            if (i == 0 || !double.IsFinite(curve[i - 1].Loss)) return new(curve[i].Step, curve[i].Seconds);
            var (a, b) = (curve[i - 1], curve[i]);
            double f = (a.Loss - target) / (a.Loss - b.Loss); // a.Loss > target ≥ b.Loss, so 0 < f ≤ 1
            return new(a.Step + (f * (b.Step - a.Step)), a.Seconds + (f * (b.Seconds - a.Seconds)));
        }

        return Never;
    }
}
