namespace AlgoPerfSharp.Scoring;

/// <summary>Decision thresholds of <see cref="ReleaseComparison"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ComparisonOptions
{
    /// <summary>The defaults: α = 0.05, minimum effect 5%.</summary>
    public static ComparisonOptions Default { get; } = new();

    /// <summary>Creates options.</summary>
    /// <param name="significanceLevel">α of each one-sided test, in (0, 0.5). The interval reported is the
    /// two-sided (1 − 2α) one, e.g. 90% for α = 0.05.</param>
    /// <param name="minimumEffect">δ, the smallest relative change worth a verdict, in [0, 1): a regression needs a
    /// time ratio ≥ 1 + δ, an improvement ≤ 1 − δ.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ComparisonOptions(double significanceLevel = 0.05, double minimumEffect = 0.05)
    {
        if (!(significanceLevel > 0 && significanceLevel < 0.5))
        {
            throw new ArgumentException(
                $"significanceLevel must be in (0, 0.5), got {significanceLevel}.", nameof(significanceLevel));
        }

        if (!(minimumEffect >= 0 && minimumEffect < 1))
        {
            throw new ArgumentException($"minimumEffect must be in [0, 1), got {minimumEffect}.", nameof(minimumEffect));
        }

        SignificanceLevel = significanceLevel;
        MinimumEffect = minimumEffect;
    }

    /// <summary>α of each one-sided test.</summary>
    public double SignificanceLevel { get; }

    /// <summary>δ, the minimum relative effect.</summary>
    public double MinimumEffect { get; }

    /// <summary>
    /// The verdict rule shared by <see cref="ReleaseComparison"/> and <see cref="PairedComparison"/>, in this order:
    /// regression if p_slower ≤ α and ratio ≥ 1 + δ; improvement if p_faster ≤ α and ratio ≤ 1 − δ; no change if
    /// [lower, upper] ⊆ [1 − δ, 1 + δ]; inconclusive otherwise (a NaN ratio is never a regression or improvement).
    /// </summary>
    internal ComparisonVerdict Decide(double pSlower, double pFaster, double ratio, double lower, double upper) =>
        pSlower <= SignificanceLevel && ratio >= 1 + MinimumEffect ? ComparisonVerdict.Regression
        : pFaster <= SignificanceLevel && ratio <= 1 - MinimumEffect ? ComparisonVerdict.Improvement
        : lower >= 1 - MinimumEffect && upper <= 1 + MinimumEffect ? ComparisonVerdict.NoChange
        : ComparisonVerdict.Inconclusive;
}
