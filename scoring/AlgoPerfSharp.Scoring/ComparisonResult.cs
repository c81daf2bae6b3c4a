namespace AlgoPerfSharp.Scoring;

/// <summary>The result of <see cref="ReleaseComparison.Compare"/>.</summary>
/// <param name="Verdict">Regression, improvement, no change or inconclusive.</param>
/// <param name="Ratio">Hodges–Lehmann estimate of the candidate/baseline time ratio: the median of all pairwise
/// ratios c_j / b_i (&gt; 1: the candidate is slower). NaN when undefined (see remarks of <see cref="ReleaseComparison"/>).</param>
/// <param name="RatioLower">Lower end of the distribution-free (1 − 2α) confidence interval of the ratio (0 when unbounded).</param>
/// <param name="RatioUpper">Upper end of that interval (+∞ when unbounded).</param>
/// <param name="PValueSlower">One-sided Mann–Whitney p-value for "the candidate is slower".</param>
/// <param name="PValueFaster">One-sided Mann–Whitney p-value for "the candidate is faster".</param>
/// <param name="ExactPValues">True when the p-values and the interval come from the exact permutation distribution;
/// false when the normal approximation was used (more than <see cref="ReleaseComparison.ExactLimit"/> samples).</param>
/// <param name="BaselineMedian">Median of the baseline samples (numpy semantics).</param>
/// <param name="CandidateMedian">Median of the candidate samples.</param>
/// <param name="BaselineCount">Number of baseline samples.</param>
/// <param name="CandidateCount">Number of candidate samples.</param>
/// <param name="Options">The thresholds used.</param>
public sealed record ComparisonResult(
    ComparisonVerdict Verdict,
    double Ratio,
    double RatioLower,
    double RatioUpper,
    double PValueSlower,
    double PValueFaster,
    bool ExactPValues,
    double BaselineMedian,
    double CandidateMedian,
    int BaselineCount,
    int CandidateCount,
    ComparisonOptions Options)
{
    /// <summary>Coverage of [<see cref="RatioLower"/>, <see cref="RatioUpper"/>]: 1 − 2α.</summary>
    public double ConfidenceLevel => 1 - (2 * Options.SignificanceLevel);
}
