namespace AlgoPerfSharp.Scoring;

/// <summary>The outcome of comparing a candidate release's costs (times) against a baseline's. See <see cref="ReleaseComparison"/>.</summary>
public enum ComparisonVerdict
{
    /// <summary>The candidate is equivalent: the confidence interval of the time ratio lies within ±(minimum effect).</summary>
    NoChange,

    /// <summary>The candidate is significantly slower, by at least the minimum effect.</summary>
    Regression,

    /// <summary>The candidate is significantly faster, by at least the minimum effect.</summary>
    Improvement,

    /// <summary>Neither a significant change of at least the minimum effect nor a demonstrated equivalence: too few or too noisy samples.</summary>
    Inconclusive,
}
