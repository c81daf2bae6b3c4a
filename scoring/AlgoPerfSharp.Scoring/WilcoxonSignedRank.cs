using MathNet.Numerics.Distributions;

namespace AlgoPerfSharp.Scoring;

/// <summary>
/// The Wilcoxon signed-rank test on paired differences and the matching distribution-free (Tukey / Hodges–Lehmann)
/// confidence bounds.
/// </summary>
/// <remarks>
/// Zero differences are dropped (Wilcoxon's rule). The others are ranked by absolute value with midranks for ties
/// (+∞ and −∞ tie with each other and rank above every finite value); T⁺ is the sum of the ranks of the positive
/// differences. The exact null distribution is the sign-flip permutation distribution of T⁺ given those midranks (each
/// sign + or − with probability ½, independently), computed by counting subset sums of the doubled midranks, so it is
/// exact with ties too. Beyond <see cref="ExactLimit"/> non-zero differences the normal approximation with the tie-aware
/// variance Σr²/4 and continuity correction ½ is used.
/// </remarks>
internal static class WilcoxonSignedRank
{
    /// <summary>Largest number of non-zero differences for which exact distributions are computed.</summary>
    public const int ExactLimit = 100;

    /// <summary>
    /// One-sided p-values for the differences <paramref name="d"/> (NaN not allowed): P(T⁺ ≥ t⁺_obs) ("differences
    /// tend to be positive") and P(T⁺ ≤ t⁺_obs); (1, 1) when every difference is zero.
    /// </summary>
    public static (double PGreater, double PLess, int Zeros, bool Exact) Test(IReadOnlyList<double> d)
    {
        var nonZero = d.Where(x => x != 0).ToArray();
        int zeros = d.Count - nonZero.Length, n = nonZero.Length;
        if (n == 0) return (1, 1, zeros, true);

        var order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(nonZero[i])).ToArray();
        var doubled = new int[n];
        long t2 = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && Math.Abs(nonZero[order[end + 1]]).Equals(Math.Abs(nonZero[order[start]]))) end++;
            int rank2 = start + 1 + end + 1; // doubled midrank of positions start..end (1-based)
            for (int k = start; k <= end; k++)
            {
                doubled[k] = rank2;
                if (nonZero[order[k]] > 0) t2 += rank2;
            }

            start = end + 1;
        }

        if (n <= ExactLimit)
        {
            var dist = SubsetSumDistribution(doubled);
            double greater = 0, less = 0;
            for (int s = 0; s < dist.Length; s++)
            {
                if (s >= t2) greater += dist[s];
                if (s <= t2) less += dist[s];
            }

            return (Math.Min(1, greater), Math.Min(1, less), zeros, true);
        }

        double mean = doubled.Sum(r => r / 2.0) / 2;
        double sd = Math.Sqrt(doubled.Sum(r => (r / 2.0) * (r / 2.0)) / 4);
        double t = t2 / 2.0;
        return (Math.Min(1, Normal.CDF(0, 1, -(t - mean - 0.5) / sd)), Math.Min(1, Normal.CDF(0, 1, (t - mean + 0.5) / sd)), zeros, false);
    }

    /// <summary>
    /// The 1-based order-statistic index k of the distribution-free one-sided (1 − α) bounds for the centre of
    /// <paramref name="n"/> differences: the lower bound is the k-th smallest of the n(n+1)/2 Walsh averages and the upper
    /// the k-th largest, k the largest integer with P(T⁺ ≤ k − 1) ≤ α under the tie-free null. 0 when even k = 1 fails
    /// (too few pairs: the interval is unbounded).
    /// </summary>
    public static int BoundIndex(int n, double alpha)
    {
        if (n <= ExactLimit)
        {
            var ranks = Enumerable.Range(1, n).Select(r => 2 * r).ToArray();
            var dist = SubsetSumDistribution(ranks);
            double cumulative = 0;
            int k = 0;
            for (int t = 0; 2 * t < dist.Length; t++)
            {
                cumulative += dist[2 * t];
                if (cumulative > alpha * (1 + 1e-12)) break;
                k = t + 1;
            }

            return k;
        }

        double z = Normal.InvCDF(0, 1, 1 - alpha);
        double mean = n * (n + 1) / 4.0;
        double sd = Math.Sqrt(n * (n + 1.0) * ((2 * n) + 1) / 24);
        return (int)Math.Max(0, Math.Floor(mean - (z * sd) + 0.5));
    }

    /// <summary>P(sum = s) for the sum of a random subset of <paramref name="values"/> (each in with probability ½).</summary>
    private static double[] SubsetSumDistribution(IReadOnlyList<int> values)
    {
        var ways = new double[values.Sum() + 1];
        ways[0] = 1;
        int reach = 0;
        foreach (int v in values)
        {
            reach += v;
            for (int s = reach; s >= v; s--) ways[s] += ways[s - v];
        }

        double total = Math.Pow(2, values.Count);
        for (int s = 0; s < ways.Length; s++) ways[s] /= total;
        return ways;
    }
}
