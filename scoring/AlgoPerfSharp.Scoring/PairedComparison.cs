namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Paired comparison of per-study costs — step time, steps-to-target or time-to-target, lower is better — of a
/// candidate against a baseline run on the same seeds, with the noise-aware verdict of <see cref="ReleaseComparison"/>.
/// </summary>
/// <remarks>
/// <para><b>Why paired.</b> Study s of the baseline and study s of the candidate share their data order and initial
/// weights, so their costs differ by the candidate's effect plus the machine's noise, not by the study-to-study spread
/// of training itself (which, for time-to-target, is far larger than the effects a CI gate must catch). The unpaired
/// <see cref="ReleaseComparison"/> cannot use that; this test does.</para>
/// <para><b>Method.</b> Let (b_s, c_s), s = 1..n, be the pairs and d_s = ln c_s − ln b_s their log-ratios.</para>
/// <list type="bullet">
/// <item><b>Effect.</b> The Hodges–Lehmann ratio R = exp(median of the n(n+1)/2 Walsh averages (d_i + d_j)/2, i ≤ j):
/// the robust "how many times slower" that matches the signed-rank test.</item>
/// <item><b>Significance.</b> Two one-sided exact Wilcoxon signed-rank tests at level α: p_slower = P(T⁺ ≥ t⁺) and
/// p_faster = P(T⁺ ≤ t⁺) under the sign-flip null "each log-ratio is as likely negative as positive". Zero differences
/// (identical costs, e.g. the same steps-to-target) are dropped from the test; tied |d| get midranks and the exact
/// distribution is taken over those midranks. Exact up to <see cref="ExactLimit"/> non-zero differences, the normal
/// approximation beyond. With all n differences of one sign the p-value is 2⁻ⁿ: 1/32 for 5 studies, 1/8 for 3 — so
/// fewer than 5 studies can never give a verdict at α = 0.05.</item>
/// <item><b>Interval.</b> The distribution-free (1 − 2α) interval of the ratio obtained by inverting the test (Tukey):
/// [k-th smallest, k-th largest] Walsh average, exponentiated, k the largest integer with P(T⁺ ≤ k − 1) ≤ α under the
/// tie-free null of n pairs (zeros included). Too few pairs (k = 0, e.g. n ≤ 4 at α = 0.05) → (0, ∞).</item>
/// <item><b>Verdict</b>, δ the minimum effect, checked in this order (<see cref="ComparisonOptions"/>):
/// <see cref="ComparisonVerdict.Regression"/> if p_slower ≤ α and R ≥ 1 + δ;
/// <see cref="ComparisonVerdict.Improvement"/> if p_faster ≤ α and R ≤ 1 − δ;
/// <see cref="ComparisonVerdict.NoChange"/> if the interval lies within [1 − δ, 1 + δ];
/// <see cref="ComparisonVerdict.Inconclusive"/> otherwise.</item>
/// </list>
/// <para><b>Costs.</b> Each must be &gt; 0 or +∞ (a study that never reached the target). A pair with one side ∞ has
/// d = ±∞ (the largest |d|); a pair with both sides ∞ counts as a zero difference (both missed: no evidence either way),
/// and in a Walsh average ∞ + (−∞) counts as 0. R is NaN — and the verdict inconclusive — only when the two middle
/// Walsh averages are −∞ and +∞. The result is a deterministic function of the set of pairs (no RNG, order-free).</para>
/// Pure and thread-safe.
/// </remarks>
public static class PairedComparison
{
    /// <summary>Largest number of non-zero differences tested exactly; above it the normal approximation is used.</summary>
    public const int ExactLimit = WilcoxonSignedRank.ExactLimit;

    /// <summary>Most pairs accepted (the estimator sorts all n(n+1)/2 Walsh averages): one pair per study.</summary>
    public const int MaxPairs = 4000;

    /// <summary>Compares <paramref name="candidate"/>[s] against <paramref name="baseline"/>[s] for every study s.</summary>
    /// <param name="baseline">Baseline cost per study (&gt; 0 or +∞); at least one.</param>
    /// <param name="candidate">Candidate cost of the same studies, in the same order.</param>
    /// <param name="options">Thresholds; <see cref="ComparisonOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The lists are empty, of different lengths or longer than
    /// <see cref="MaxPairs"/>, or a value is NaN, ≤ 0 or −∞.</exception>
    public static PairedComparisonResult Compare(
        IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        options ??= ComparisonOptions.Default;
        if (baseline.Count != candidate.Count)
        {
            throw new ArgumentException(
                $"A paired comparison needs one candidate cost per baseline cost: got {baseline.Count} and {candidate.Count}.", nameof(candidate));
        }

        if (baseline.Count > MaxPairs)
        {
            throw new ArgumentException($"{baseline.Count} pairs are more than {MaxPairs}: pass one cost per study.", nameof(baseline));
        }

        Validate(baseline, nameof(baseline));
        Validate(candidate, nameof(candidate));
        int n = baseline.Count;
        var d = new double[n];
        for (int s = 0; s < n; s++)
        {
            double x = Math.Log(candidate[s]) - Math.Log(baseline[s]);
            d[s] = double.IsNaN(x) ? 0 : x; // ∞ − ∞: both missed the target, a tie
        }

        var walsh = new double[n * (n + 1) / 2];
        int w = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double a = (d[i] + d[j]) / 2;
                walsh[w++] = double.IsNaN(a) ? 0 : a;
            }
        }

        Array.Sort(walsh);
        var ratio = Math.Exp(SampleStatistics.Median(walsh));
        int k = WilcoxonSignedRank.BoundIndex(n, options.SignificanceLevel);
        double lower = 0, upper = double.PositiveInfinity;
        if (k >= 1)
        {
            lower = Math.Exp(walsh[k - 1]);
            upper = Math.Exp(walsh[walsh.Length - k]);
        }

        var (pSlower, pFaster, zeros, exact) = WilcoxonSignedRank.Test(d);
        return new PairedComparisonResult(
            options.Decide(pSlower, pFaster, ratio, lower, upper), ratio, lower, upper, pSlower, pFaster, exact,
            SampleStatistics.Median(baseline), SampleStatistics.Median(candidate), n, zeros, options);
    }

    private static void Validate(IReadOnlyList<double> costs, string param)
    {
        if (costs.Count == 0) throw new ArgumentException($"The {param} has no costs: a paired comparison needs at least one study.", param);
        for (int i = 0; i < costs.Count; i++)
        {
            double v = costs[i];
            if (double.IsNaN(v) || v <= 0)
            {
                throw new ArgumentException(
                    $"{param}[{i}] = {v}: every cost must be > 0, or +∞ for a study that never reached the target.", param);
            }
        }
    }
}
