namespace AlgoPerfSharp.Scoring;

/// <summary>The result of <see cref="PairedComparison.Compare"/>.</summary>
/// <param name="Verdict">Regression, improvement, no change or inconclusive.</param>
/// <param name="Ratio">Hodges–Lehmann estimate of the candidate/baseline cost ratio: exp of the median Walsh average
/// of the per-study log-ratios (&gt; 1: the candidate is slower). NaN when undefined (see <see cref="PairedComparison"/>).</param>
/// <param name="RatioLower">Lower end of the distribution-free (1 − 2α) confidence interval of the ratio (0 when unbounded).</param>
/// <param name="RatioUpper">Upper end of that interval (+∞ when unbounded).</param>
/// <param name="PValueSlower">One-sided Wilcoxon signed-rank p-value for "the candidate is slower".</param>
/// <param name="PValueFaster">One-sided Wilcoxon signed-rank p-value for "the candidate is faster".</param>
/// <param name="ExactPValues">True when the p-values come from the exact sign-flip distribution; false when the normal
/// approximation was used (more than <see cref="PairedComparison.ExactLimit"/> non-zero differences).</param>
/// <param name="BaselineMedian">Median of the baseline costs (numpy semantics; ∞ possible).</param>
/// <param name="CandidateMedian">Median of the candidate costs.</param>
/// <param name="Pairs">Number of studies paired.</param>
/// <param name="ZeroDifferences">Pairs with equal costs (both ∞ included), left out of the test.</param>
/// <param name="Options">The thresholds used.</param>
public sealed record PairedComparisonResult(
    ComparisonVerdict Verdict,
    double Ratio,
    double RatioLower,
    double RatioUpper,
    double PValueSlower,
    double PValueFaster,
    bool ExactPValues,
    double BaselineMedian,
    double CandidateMedian,
    int Pairs,
    int ZeroDifferences,
    ComparisonOptions Options)
{
    /// <summary>Coverage of [<see cref="RatioLower"/>, <see cref="RatioUpper"/>]: 1 − 2α.</summary>
    public double ConfidenceLevel => 1 - (2 * Options.SignificanceLevel);
}
