using MathNet.Numerics.Distributions;

namespace AlgoPerfSharp.Scoring;

/// <summary>
/// The Mann–Whitney U test and the matching distribution-free (Moses / Hodges–Lehmann) confidence bounds.
/// </summary>
/// <remarks>
/// U counts the (baseline, candidate) pairs where the candidate is larger, ties counting ½ (midranks). The exact
/// null distribution is the permutation distribution of the candidates' midrank sum, computed by counting subsets
/// (tie-aware, so it is exact with ties too); beyond <see cref="ExactLimit"/> pooled samples the normal approximation
/// with tie correction and continuity correction ½ is used.
/// </remarks>
internal static class MannWhitney
{
    /// <summary>Largest pooled sample size (m + n) for which exact distributions are computed.</summary>
    public const int ExactLimit = 60;

    /// <summary>
    /// One-sided p-values of U for <paramref name="candidate"/> against <paramref name="baseline"/>: P(U ≥ u_obs)
    /// ("candidate larger") and P(U ≤ u_obs) ("candidate smaller"). +∞ values are allowed and tie with each other.
    /// </summary>
    public static (double U, double PGreater, double PLess, bool Exact) Test(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate)
    {
        int m = baseline.Count, n = candidate.Count, total = m + n;
        var pooled = new (double Value, bool IsCandidate)[total];
        for (var i = 0; i < m; i++)
        {
            pooled[i] = (baseline[i], false);
        }

        for (var j = 0; j < n; j++)
        {
            pooled[m + j] = (candidate[j], true);
        }

        Array.Sort(pooled, (a, b) => a.Value.CompareTo(b.Value));

        // Doubled midranks (integers): a tie group at 1-based positions a..b has midrank (a + b) / 2.
        var doubled = new int[total];
        var tieTerm = 0.0;
        var w2 = 0L;
        for (var start = 0; start < total;)
        {
            var end = start;
            while (end + 1 < total && pooled[end + 1].Value.Equals(pooled[start].Value))
            {
                end++;
            }

            var rank2 = start + 1 + end + 1;
            double t = end - start + 1;
            tieTerm += (t * t * t) - t;
            for (var k = start; k <= end; k++)
            {
                doubled[k] = rank2;
                if (pooled[k].IsCandidate)
                {
                    w2 += rank2;
                }
            }

            start = end + 1;
        }

        var u = (w2 / 2.0) - (n * (n + 1) / 2.0);
        if (total <= ExactLimit)
        {
            var dist = DoubledRankSumDistribution(doubled, n);
            double greater = 0, less = 0;
            for (var s = 0; s < dist.Length; s++)
            {
                if (s >= w2)
                {
                    greater += dist[s];
                }

                if (s <= w2)
                {
                    less += dist[s];
                }
            }

            return (u, Math.Min(1, greater), Math.Min(1, less), true);
        }

        var mean = m * (double)n / 2;
        var variance = m * (double)n / 12 * (total + 1 - (tieTerm / (total * (double)(total - 1))));
        if (variance <= 0)
        {
            return (u, 1, 1, false); // every value tied: no evidence either way
        }

        var sd = Math.Sqrt(variance);
        var pGreater = Normal.CDF(0, 1, -(u - mean - 0.5) / sd);
        var pLess = Normal.CDF(0, 1, (u - mean + 0.5) / sd);
        return (u, Math.Min(1, pGreater), Math.Min(1, pLess), false);
    }

    /// <summary>
    /// The 1-based order-statistic index k of the distribution-free one-sided (1 − α) bounds for a shift: the
    /// lower bound is the k-th smallest of the m·n pairwise differences and the upper bound the k-th largest, where
    /// k is the largest integer with P(U ≤ k − 1) ≤ α under the tie-free null. 0 when even k = 1 fails (too few
    /// samples: the interval is unbounded).
    /// </summary>
    public static int BoundIndex(int m, int n, double alpha)
    {
        var mn = (long)m * n;
        if (m + n <= ExactLimit)
        {
            var ranks = new int[m + n];
            for (var i = 0; i < ranks.Length; i++)
            {
                ranks[i] = 2 * (i + 1);
            }

            var dist = DoubledRankSumDistribution(ranks, n);
            var offset = n * (n + 1); // doubled minimum rank sum: U = (W2 − offset) / 2
            var cumulative = 0.0;
            var k = 0;
            for (var uValue = 0; uValue <= mn; uValue++)
            {
                cumulative += dist[offset + (2 * uValue)];
                if (cumulative > alpha * (1 + 1e-12))
                {
                    break;
                }

                k = uValue + 1;
            }

            return k;
        }

        var z = Normal.InvCDF(0, 1, 1 - alpha);
        var sd = Math.Sqrt(mn * (m + n + 1) / 12.0);
        return (int)Math.Max(0, Math.Floor((mn / 2.0) - (z * sd) + 0.5));
    }

    /// <summary>
    /// Null distribution of the sum of <paramref name="n"/> of the given doubled ranks drawn without replacement:
    /// element s is P(sum = s). Subset counts are accumulated in doubles (relative precision is what p-values need).
    /// </summary>
    internal static double[] DoubledRankSumDistribution(IReadOnlyList<int> doubledRanks, int n)
    {
        var maxSum = doubledRanks.Sum();
        var ways = new double[n + 1][];
        for (var j = 0; j <= n; j++)
        {
            ways[j] = new double[maxSum + 1];
        }

        ways[0][0] = 1;
        var reach = 0;
        for (var i = 0; i < doubledRanks.Count; i++)
        {
            var r = doubledRanks[i];
            reach += r;
            for (var j = Math.Min(i + 1, n); j >= 1; j--)
            {
                var to = ways[j];
                var from = ways[j - 1];
                for (var s = reach; s >= r; s--)
                {
                    to[s] += from[s - r];
                }
            }
        }

        var totalWays = ways[n].Sum();
        var p = new double[maxSum + 1];
        for (var s = 0; s <= maxSum; s++)
        {
            p[s] = ways[n][s] / totalWays;
        }

        return p;
    }
}
