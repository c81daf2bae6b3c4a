using MathNet.Numerics.Distributions;

namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>
/// Known answers for the paired comparison, by hand: the exact signed-rank null of n pairs is the distribution of the
/// sum of a random subset of the ranks {1..n}, e.g. for n = 5 the 32 subsets have sums 0..15 with counts
/// 1,1,1,2,2,3,3,3,3,3,3,2,2,1,1,1.
/// </summary>
public sealed class PairedComparisonTests
{
    private static readonly double[] Base = [10, 20, 40, 5, 8];

    private static double[] Times(double[] b, params double[] ratios) => b.Select((x, i) => x * ratios[i]).ToArray();

    [Fact]
    public void FiveStudiesAllFifteenPercentSlowerIsARegressionAtOneIn32()
    {
        var r = PairedComparison.Compare(Base, Base.Select(x => x * 1.15).ToArray());
        Assert.Equal(ComparisonVerdict.Regression, r.Verdict);
        Assert.Equal(1.0 / 32, r.PValueSlower, 1e-15); // all five signs positive: 1 of 2⁵ sign patterns
        Assert.Equal(1.0, r.PValueFaster, 1e-15);
        Assert.True(r.ExactPValues);
        Assert.Equal(1.15, r.Ratio, 1e-12);
        // n = 5, α = 0.05: k = 1 (P(T⁺ ≤ 0) = 1/32 ≤ 0.05 < P(T⁺ ≤ 1) = 2/32): the smallest and largest Walsh average
        Assert.Equal(1.15, r.RatioLower, 1e-12);
        Assert.Equal(1.15, r.RatioUpper, 1e-12);
        Assert.Equal(5, r.Pairs);
        Assert.Equal(0, r.ZeroDifferences);
        Assert.Equal(10.0, r.BaselineMedian);
        Assert.Equal(11.5, r.CandidateMedian, 1e-12);
    }

    [Fact]
    public void TwentyPercentFasterIsAnImprovement()
    {
        var r = PairedComparison.Compare(Base, Base.Select(x => x * 0.8).ToArray());
        Assert.Equal(ComparisonVerdict.Improvement, r.Verdict);
        Assert.Equal(1.0 / 32, r.PValueFaster, 1e-15);
        Assert.Equal(0.8, r.Ratio, 1e-12);
    }

    [Fact]
    public void MixedSignsGiveTheSubsetCountPValues()
    {
        // log-ratios +1,+2,+3,+4,−5 (× 0.01): T⁺ = 10; P(T⁺ ≥ 10) = (3+2+2+1+1+1)/32, P(T⁺ ≤ 10) = 1 − 7/32
        var c = Times(Base, Math.Exp(0.01), Math.Exp(0.02), Math.Exp(0.03), Math.Exp(0.04), Math.Exp(-0.05));
        var r = PairedComparison.Compare(Base, c);
        Assert.Equal(10.0 / 32, r.PValueSlower, 1e-12);
        Assert.Equal(25.0 / 32, r.PValueFaster, 1e-12);
        // Walsh averages (×0.01): −5,−2,−1.5,−1,−0.5, 1,1.5,2,2,2.5,2.5,3,3,3.5,4 → median (8th) 2, range [−5, 4]
        Assert.Equal(Math.Exp(0.02), r.Ratio, 1e-12);
        Assert.Equal(Math.Exp(-0.05), r.RatioLower, 1e-12);
        Assert.Equal(Math.Exp(0.04), r.RatioUpper, 1e-12);
        Assert.Equal(ComparisonVerdict.NoChange, r.Verdict); // [0.951, 1.041] lies within ±5 %
        Assert.Equal(ComparisonVerdict.Inconclusive, PairedComparison.Compare(Base, c, new ComparisonOptions(0.05, 0.04)).Verdict);
    }

    [Fact]
    public void TiedAbsoluteDifferencesUseMidranks()
    {
        // ratios 2, 2, ½, 4: log-ratios x, x, −x, 2x (x = ln 2, exact in binary) with |d| midranks 2, 2, 2, 4; T⁺ = 8.
        // Of the 16 sign patterns, T⁺ ≥ 8 for {2,2,4} (3 ways) and {2,2,2,4}: 4/16; T⁺ ≤ 8 for all but {2,2,2,4}: 15/16.
        var r = PairedComparison.Compare([1, 1, 4, 1], [2, 2, 2, 4]);
        Assert.Equal(4.0 / 16, r.PValueSlower, 1e-15);
        Assert.Equal(15.0 / 16, r.PValueFaster, 1e-15);
        // Walsh averages in units of x: −1, 0, 0, 0.5, 1, 1, 1, 1.5, 1.5, 2 → median 1: R = 2
        Assert.Equal(2.0, r.Ratio, 1e-12);
        // n = 4 at α = 0.05: P(T⁺ ≤ 0) = 1/16 > α, so no interval and no verdict are possible
        Assert.Equal(0, r.RatioLower);
        Assert.Equal(double.PositiveInfinity, r.RatioUpper);
        Assert.Equal(ComparisonVerdict.Inconclusive, r.Verdict);
    }

    [Fact]
    public void ZeroDifferencesAreDroppedFromTheTestButNotFromTheEstimate()
    {
        // d = 0, 0, ln 1.1, ln 1.2, ln 1.3: the test sees 3 positives (p = 1/8); the 15 Walsh averages sorted are
        // 0,0,0, a/2,a/2, b/2,b/2, a, c/2,c/2, (a+b)/2, (a+c)/2, b, (b+c)/2, c (a, b, c the logs) → median a.
        var r = PairedComparison.Compare([10, 10, 10, 10, 10], [10, 10, 11, 12, 13]);
        Assert.Equal(2, r.ZeroDifferences);
        Assert.Equal(1.0 / 8, r.PValueSlower, 1e-15);
        Assert.Equal(1.1, r.Ratio, 1e-12);
        Assert.Equal(1.0, r.RatioLower, 1e-12);
        Assert.Equal(1.3, r.RatioUpper, 1e-12);
        Assert.Equal(ComparisonVerdict.Inconclusive, r.Verdict); // not significant, and the interval reaches 1.3
    }

    [Fact]
    public void IdenticalCostsAreNoChange()
    {
        // the same steps-to-target in every study: every difference zero, the interval [1, 1]
        var r = PairedComparison.Compare(Base, Base);
        Assert.Equal(ComparisonVerdict.NoChange, r.Verdict);
        Assert.Equal(1.0, r.PValueSlower);
        Assert.Equal(1.0, r.PValueFaster);
        Assert.Equal(5, r.ZeroDifferences);
        Assert.Equal(1.0, r.Ratio);
        Assert.Equal(1.0, r.RatioLower);
        Assert.Equal(1.0, r.RatioUpper);
    }

    [Fact]
    public void ASignificantChangeSmallerThanDeltaIsNoChange()
    {
        // every study 1–4.5 % slower: p = 1/32, but R < 1 + δ and the interval [1.01, 1.045] lies within ±5 %
        var r = PairedComparison.Compare(Base, Times(Base, 1.01, 1.02, 1.03, 1.04, 1.045));
        Assert.Equal(1.0 / 32, r.PValueSlower, 1e-15);
        Assert.Equal(1.01, r.RatioLower, 1e-12);
        Assert.Equal(1.045, r.RatioUpper, 1e-12);
        Assert.Equal(ComparisonVerdict.NoChange, r.Verdict);
        // with δ = 1 % the same data are a regression
        Assert.Equal(ComparisonVerdict.Regression, PairedComparison.Compare(Base, Times(Base, 1.01, 1.02, 1.03, 1.04, 1.045), new ComparisonOptions(0.05, 0.01)).Verdict);
    }

    [Fact]
    public void SixPairsGiveTheThirdWalshAverageAsBound()
    {
        // n = 6: P(T⁺ ≤ 2) = 3/64 ≤ 0.05 < P(T⁺ ≤ 3) = 5/64, so k = 3. d = 1..6 (× 0.01): the 21 Walsh averages sorted are
        // 1, 1.5, 2, 2, 2.5, 2.5, 3, 3, 3, 3.5, 3.5, 3.5, 4, 4, 4, 4.5, 4.5, 5, 5, 5.5, 6: 3rd = 2, 11th = 3.5, 19th = 5.
        double[] b = [1, 1, 1, 1, 1, 1];
        var c = b.Select((_, i) => Math.Exp(0.01 * (i + 1))).ToArray();
        var r = PairedComparison.Compare(b, c);
        Assert.Equal(1.0 / 64, r.PValueSlower, 1e-15);
        Assert.Equal(Math.Exp(0.035), r.Ratio, 1e-12);
        Assert.Equal(Math.Exp(0.02), r.RatioLower, 1e-12);
        Assert.Equal(Math.Exp(0.05), r.RatioUpper, 1e-12);
    }

    [Fact]
    public void AStudyThatMissesTheTargetCountsAsInfinitelySlower()
    {
        double inf = double.PositiveInfinity;
        // the candidate misses the target in study 5: d = ln 1.1, ln 1.2, ln 1.3, ln 1.4, +∞ — five positives
        var r = PairedComparison.Compare([10, 10, 10, 10, 10], [11, 12, 13, 14, inf]);
        Assert.Equal(1.0 / 32, r.PValueSlower, 1e-15);
        Assert.Equal(ComparisonVerdict.Regression, r.Verdict);
        Assert.Equal(inf, r.RatioUpper);
        Assert.Equal(1.1, r.RatioLower, 1e-12);
        // 5 of the 15 Walsh averages are +∞; the median (8th) is the 8th of the 10 finite ones of the four logs
        double[] logs = [Math.Log(1.1), Math.Log(1.2), Math.Log(1.3), Math.Log(1.4)];
        var finite = logs.SelectMany((a, i) => logs.Skip(i).Select(b => (a + b) / 2)).Order().ToArray();
        Assert.Equal(10, finite.Length);
        Assert.Equal(Math.Exp(finite[7]), r.Ratio, 1e-12);
        Assert.Equal(10.0, r.BaselineMedian);
        Assert.Equal(13.0, r.CandidateMedian);

        // both sides missing in a study is a tie, not evidence: the other four decide (n' = 4, p = 1/16)
        var both = PairedComparison.Compare([10, 10, 10, 10, inf], [11, 12, 13, 14, inf]);
        Assert.Equal(1, both.ZeroDifferences);
        Assert.Equal(1.0 / 16, both.PValueSlower, 1e-15);
        Assert.Equal(ComparisonVerdict.Inconclusive, both.Verdict);

        // the baseline missing where the candidate reached it: −∞, the largest |d|, negative
        var better = PairedComparison.Compare([11, 12, 13, 14, inf], [10, 10, 10, 10, 10]);
        Assert.Equal(1.0 / 32, better.PValueFaster, 1e-15);
        Assert.Equal(ComparisonVerdict.Improvement, better.Verdict);
    }

    [Fact]
    public void TheResultDoesNotDependOnTheOrderOfTheStudies()
    {
        double[] b = [3, 1, 4, 1.5, 9, 2.6];
        double[] c = [3.3, 0.9, 4.8, 1.6, 9.9, 2.5];
        var r1 = PairedComparison.Compare(b, c);
        int[] perm = [5, 3, 0, 4, 1, 2];
        var r2 = PairedComparison.Compare(perm.Select(i => b[i]).ToArray(), perm.Select(i => c[i]).ToArray());
        Assert.Equal(r1, r2);
    }

    [Fact]
    public void BeyondTheExactLimitTheNormalApproximationIsUsed()
    {
        // 150 pairs, log-ratios ±i/1000 with the positive ones at the even ranks: T⁺ = 2·(1 + … + 75) = 5700,
        // E = n(n+1)/4 = 5662.5, Var = n(n+1)(2n+1)/24; p_slower = 1 − Φ((T⁺ − E − ½)/sd).
        int n = 150;
        var b = Enumerable.Repeat(1.0, n).ToArray();
        var c = Enumerable.Range(1, n).Select(i => Math.Exp((i % 2 == 0 ? 1 : -1) * i / 1000.0)).ToArray();
        var r = PairedComparison.Compare(b, c);
        Assert.False(r.ExactPValues);
        double sd = Math.Sqrt(n * (n + 1.0) * ((2 * n) + 1) / 24);
        Assert.Equal(1 - Normal.CDF(0, 1, (5700 - 5662.5 - 0.5) / sd), r.PValueSlower, 1e-12);
        Assert.Equal(Normal.CDF(0, 1, (5700 - 5662.5 + 0.5) / sd), r.PValueFaster, 1e-12);
    }

    [Fact]
    public void BadInputIsRefusedNamingTheProblem()
    {
        Assert.Contains("got 2 and 3", Assert.Throws<ArgumentException>(() => PairedComparison.Compare([1, 2], [1, 2, 3])).Message);
        Assert.Contains("at least one study", Assert.Throws<ArgumentException>(() => PairedComparison.Compare([], [])).Message);
        Assert.Equal("candidate", Assert.Throws<ArgumentException>(() => PairedComparison.Compare([1, 2], [1, double.NaN])).ParamName);
        Assert.Equal("baseline", Assert.Throws<ArgumentException>(() => PairedComparison.Compare([0, 2], [1, 1])).ParamName);
        Assert.Equal("baseline", Assert.Throws<ArgumentException>(() => PairedComparison.Compare([double.NegativeInfinity], [1])).ParamName);
        var many = Enumerable.Repeat(1.0, PairedComparison.MaxPairs + 1).ToArray();
        Assert.Throws<ArgumentException>(() => PairedComparison.Compare(many, many));
    }
}
