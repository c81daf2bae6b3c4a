namespace AlgoPerfSharp.Scoring.Tests;

public sealed class ReleaseComparisonTests
{
    private static readonly double[] Baseline = [100, 102, 98, 101, 99];

    [Fact]
    public void IdenticalInputsAreNoChange()
    {
        var r = ReleaseComparison.Compare(Baseline, Baseline);
        Assert.Equal(ComparisonVerdict.NoChange, r.Verdict);
        Assert.Equal(1.0, r.Ratio); // the pairwise log-ratios are symmetric about 0: median exactly 0
        Assert.True(r.PValueSlower > 0.5);
        Assert.True(r.PValueFaster > 0.5);
        Assert.True(r.ExactPValues);
        Assert.Equal(0.9, r.ConfidenceLevel, 1e-15);
        Assert.InRange(r.RatioLower, 0.95, 1.0);
        Assert.InRange(r.RatioUpper, 1.0, 1.05);
    }

    [Fact]
    public void ThirtyPercentSlowerOverFiveSeedsIsARegression()
    {
        double[] candidate = [130.5, 131.0, 128.0, 129.7, 132.1];
        var r = ReleaseComparison.Compare(Baseline, candidate);
        Assert.Equal(ComparisonVerdict.Regression, r.Verdict);
        Assert.Equal(1.0 / 252, r.PValueSlower, 1e-15); // every candidate above every baseline: 1 of C(10,5) orderings
        Assert.Equal(1.0, r.PValueFaster, 1e-12);
        Assert.Equal(100.0, r.BaselineMedian);
        Assert.Equal(130.5, r.CandidateMedian);

        // Hodges–Lehmann ratio and the 90% interval: 13th, 5th and 21st of the 25 sorted pairwise ratios
        // (k = 5 for m = n = 5, α = 0.05: P(U ≤ 4) = 12/252 ≤ 0.05 < P(U ≤ 5) = 19/252).
        var pairs = Baseline.SelectMany(b => candidate.Select(c => c / b)).Order().ToArray();
        Assert.Equal(pairs[12], r.Ratio, 1e-12);
        Assert.Equal(pairs[4], r.RatioLower, 1e-12);
        Assert.Equal(pairs[20], r.RatioUpper, 1e-12);
        Assert.InRange(r.Ratio, 1.28, 1.32);
    }

    [Fact]
    public void ThirtyPercentFasterIsAnImprovement()
    {
        double[] candidate = [70.1, 71.0, 69.5, 70.4, 70.9];
        var r = ReleaseComparison.Compare(Baseline, candidate);
        Assert.Equal(ComparisonVerdict.Improvement, r.Verdict);
        Assert.Equal(1.0 / 252, r.PValueFaster, 1e-15);
    }

    [Fact]
    public void NoiseWithinTheSeedSpreadIsNotARegression()
    {
        // ±6% seed spread, medians 100 vs 101: nothing the seeds can resolve.
        double[] baseline = [100, 108, 95, 103, 98];
        double[] candidate = [101, 97, 106, 99, 104];
        var r = ReleaseComparison.Compare(baseline, candidate);
        Assert.Equal(ComparisonVerdict.Inconclusive, r.Verdict);
        // U = 14 of 25; brute-force enumeration of the 252 relabellings gives P(U ≥ 14) = 106/252, P(U ≤ 14) = 165/252.
        Assert.Equal(106.0 / 252, r.PValueSlower, 1e-12);
        Assert.Equal(165.0 / 252, r.PValueFaster, 1e-12);
        // Pairwise ratios, sorted: 13th = 101/100 = 1.01, 5th = 99/103, 21st = 104/98 — the interval reaches past +5%.
        Assert.Equal(1.01, r.Ratio, 1e-12);
        Assert.Equal(99.0 / 103, r.RatioLower, 1e-12);
        Assert.Equal(104.0 / 98, r.RatioUpper, 1e-12);
    }

    [Fact]
    public void SignificantButBelowTheMinimumEffectIsNoChange()
    {
        // A consistent 2% slowdown with 0.4% noise: significant (p = 1/252), below δ = 5%, interval inside ±5%.
        double[] baseline = [100, 100.1, 100.2, 100.3, 100.4];
        var candidate = baseline.Select(b => b * 1.02).ToArray();
        var r = ReleaseComparison.Compare(baseline, candidate);
        Assert.Equal(1.0 / 252, r.PValueSlower, 1e-15);
        Assert.Equal(ComparisonVerdict.NoChange, r.Verdict);

        // With δ = 1% the same data is a regression.
        var strict = ReleaseComparison.Compare(baseline, candidate, new ComparisonOptions(minimumEffect: 0.01));
        Assert.Equal(ComparisonVerdict.Regression, strict.Verdict);
    }

    [Fact]
    public void TwoSeedsCannotProveAnything()
    {
        // Smallest possible one-sided p with 2 + 2 samples is 1/C(4,2) = 1/6 > 0.05.
        var r = ReleaseComparison.Compare([100, 101], [200, 201]);
        Assert.Equal(1.0 / 6, r.PValueSlower, 1e-15);
        Assert.Equal(ComparisonVerdict.Inconclusive, r.Verdict);
        Assert.Equal(0.0, r.RatioLower);
        Assert.Equal(double.PositiveInfinity, r.RatioUpper);
    }

    [Fact]
    public void SeedsThatNeverReachTheTargetCountAsSlowest()
    {
        var inf = double.PositiveInfinity;
        var r = ReleaseComparison.Compare(Baseline, [inf, inf, inf, inf, inf]);
        Assert.Equal(ComparisonVerdict.Regression, r.Verdict);
        Assert.Equal(inf, r.Ratio);
        Assert.Equal(1.0 / 252, r.PValueSlower, 1e-15);

        // Both never reach: every pair ties, ratio 1 (∞/∞ counts as a tie), no evidence of a change.
        var both = ReleaseComparison.Compare([inf, inf, inf], [inf, inf, inf]);
        Assert.Equal(1.0, both.Ratio);
        Assert.Equal(1.0, both.PValueSlower, 1e-12);
        Assert.NotEqual(ComparisonVerdict.Regression, both.Verdict);
    }

    [Fact]
    public void ExactPValueWithTiesMatchesBruteForceEnumeration()
    {
        double[] baseline = [1, 2, 2, 3];
        double[] candidate = [2, 3, 3, 4, double.PositiveInfinity];
        var (u, greater, less, exact) = MannWhitney.Test(baseline, candidate);
        var (bu, bGreater, bLess) = BruteForce(baseline, candidate);
        Assert.True(exact);
        Assert.Equal(bu, u);
        Assert.Equal(17.0, u); // per candidate, baselines below it + ½ per tie: 2→2, 3→3.5, 3→3.5, 4→4, ∞→4
        Assert.Equal(bGreater, greater, 1e-12);
        Assert.Equal(bLess, less, 1e-12);
    }

    [Fact]
    public void SmallSampleHodgesLehmannByHand()
    {
        // Pairwise ratios c/b for b = (1, 2, 4), c = (2, 4, 8): 0.5, 1, 1, 2, 2, 2, 4, 4, 8 → median 2.
        // m = n = 3, α = 0.05: P(U ≤ 0) = 1/20 = 0.05 → k = 1, the interval is [min, max] = [0.5, 8].
        var r = ReleaseComparison.Compare([1, 2, 4], [2, 4, 8]);
        Assert.Equal(2.0, r.Ratio, 1e-15);
        Assert.Equal(0.5, r.RatioLower, 1e-15);
        Assert.Equal(8.0, r.RatioUpper, 1e-14);
        Assert.Equal(ComparisonVerdict.Inconclusive, r.Verdict);
    }

    [Theory]
    [InlineData(5, 5, 0.05, 5)] // P(U ≤ 4) = 12/252, P(U ≤ 5) = 19/252
    [InlineData(5, 5, 0.01, 2)] // P(U ≤ 1) = 2/252, P(U ≤ 2) = 4/252
    [InlineData(3, 3, 0.05, 1)] // P(U ≤ 0) = 1/20
    [InlineData(2, 2, 0.05, 0)] // P(U ≤ 0) = 1/6
    [InlineData(1, 10, 0.05, 0)]
    public void BoundIndexFromTheExactNullDistribution(int m, int n, double alpha, int expected) =>
        Assert.Equal(expected, MannWhitney.BoundIndex(m, n, alpha));

    [Fact]
    public void NullDistributionOfUForFiveAndFive()
    {
        // Tabulated counts of U = 0..5 for m = n = 5 (out of C(10,5) = 252): 1, 1, 2, 3, 5, 7.
        var ranks = Enumerable.Range(1, 10).Select(i => 2 * i).ToArray();
        var dist = MannWhitney.DoubledRankSumDistribution(ranks, 5);
        var offset = 5 * 6;
        int[] counts = [1, 1, 2, 3, 5, 7];
        for (var u = 0; u < counts.Length; u++)
        {
            Assert.Equal(counts[u] / 252.0, dist[offset + (2 * u)], 1e-15);
        }

        Assert.Equal(1.0, dist.Sum(), 1e-12);
    }

    [Fact]
    public void NormalApproximationAgreesWithTheExactDistributionForLargeSamples()
    {
        // 40 + 40 samples (> ExactLimit = 60): the approximation is used; compare it with the exact distribution.
        var baseline = Enumerable.Range(0, 40).Select(i => 100.0 + i).ToArray();
        var candidate = Enumerable.Range(0, 40).Select(j => 105.5 + j).ToArray();
        var r = ReleaseComparison.Compare(baseline, candidate);
        Assert.False(r.ExactPValues);

        var (u, _, _, _) = MannWhitney.Test(baseline, candidate);
        var dist = MannWhitney.DoubledRankSumDistribution(Enumerable.Range(1, 80).Select(i => 2 * i).ToArray(), 40);
        var w2 = (long)(2 * (u + (40 * 41 / 2.0)));
        var exactGreater = dist.Skip((int)w2).Sum();
        Assert.Equal(exactGreater, r.PValueSlower, 0.005);

        // The interval index: exact k for 40/40 vs the approximation, within one order statistic.
        var offset = 40 * 41;
        double cumulative = 0;
        var exactK = 0;
        for (var uu = 0; ; uu++)
        {
            cumulative += dist[offset + (2 * uu)];
            if (cumulative > 0.05)
            {
                break;
            }

            exactK = uu + 1;
        }

        Assert.InRange(MannWhitney.BoundIndex(40, 40, 0.05), exactK - 1, exactK + 1);
    }

    [Fact]
    public void ResultDoesNotDependOnSampleOrder()
    {
        double[] candidate = [104, 97, 110, 99, 101];
        var a = ReleaseComparison.Compare(Baseline, candidate);
        var b = ReleaseComparison.Compare(Baseline.Reverse().ToArray(), candidate.Reverse().ToArray());
        Assert.Equal(a, b);
    }

    private static (double U, double PGreater, double PLess) BruteForce(double[] baseline, double[] candidate)
    {
        var pooled = baseline.Concat(candidate).ToArray();
        int total = pooled.Length, n = candidate.Length;
        static double U(IEnumerable<double> b, IEnumerable<double> c) =>
            c.Sum(x => b.Sum(y => x > y ? 1.0 : x == y ? 0.5 : 0.0));

        var observed = U(baseline, candidate);
        int greater = 0, less = 0, count = 0;
        for (var mask = 0; mask < 1 << total; mask++)
        {
            if (int.PopCount(mask) != n)
            {
                continue;
            }

            var c = Enumerable.Range(0, total).Where(i => (mask >> i & 1) == 1).Select(i => pooled[i]);
            var b = Enumerable.Range(0, total).Where(i => (mask >> i & 1) == 0).Select(i => pooled[i]);
            var u = U(b, c);
            count++;
            greater += u >= observed ? 1 : 0;
            less += u <= observed ? 1 : 0;
        }

        return (observed, (double)greater / count, (double)less / count);
    }
}
