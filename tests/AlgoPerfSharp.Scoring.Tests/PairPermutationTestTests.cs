using static AlgoPerfSharp.Scoring.Tests.BootstrapCases;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class PairPermutationTestTests
{
    private const double Inf = double.PositiveInfinity;

    [Fact]
    public void ThetaCountsFasterStudiesWithTiesAsHalf()
    {
        Assert.Equal(0.5, PairPermutationTest.Theta([1, 2], [3, 4]));
        Assert.Equal(-0.5, PairPermutationTest.Theta([3, 4], [1, 2]));
        Assert.Equal(0.25, PairPermutationTest.Theta([1, 3], [2, 4]));         // 3 of 4 pairs faster
        Assert.Equal(0.0, PairPermutationTest.Theta([5, 6, 7], [5, 6, 7]));    // 3 wins + 3 ties of 9
        Assert.Equal(0.25, PairPermutationTest.Theta([10, Inf], [Inf, Inf]));  // 10 < ∞ twice, ∞ = ∞ twice: 3/4
        Assert.Throws<ArgumentException>(() => PairPermutationTest.Theta([], [1]));
    }

    [Fact]
    public void TwoAgainstTwoStudiesGiveTheHandCountedPValue()
    {
        // Pool {1, 2, 3, 4}, C(4, 2) = 6 relabellings with θ: {1,2}|{3,4} ½, {1,3}|{2,4} ¼, {1,4}|{2,3} 0, {2,3}|{1,4} 0,
        // {2,4}|{1,3} −¼, {3,4}|{1,2} −½. |θ| ≥ ½ (the observed) in 2 of 6: p = 1/3.
        var tests = PairPermutationTest.Run(Score(("a", "w", [1, 2]), ("b", "w", [3, 4])));
        var t = Assert.Single(tests.Pairs);
        Assert.Equal(("a", "b"), (t.First, t.Second));
        Assert.True(t.Exact);
        Assert.Equal(6, t.Relabellings);
        Assert.Equal(0.5, t.Statistic);
        Assert.Equal(1.0 / 3, t.PValue, 1e-12);
        Assert.Equal(t.PValue, t.AdjustedPValue, 1e-12); // one pair: Holm changes nothing
        Assert.True(t.ScoreDifference > 0);
        Assert.Empty(tests.SignificantDifferences);
    }

    [Fact]
    public void ThreeAgainstThreeFullySeparatedGivesOneInTen()
    {
        // Only the observed split and its mirror image reach |θ| = ½: p = 2/C(6, 3) = 2/20.
        var result = Score(("a", "w", [10, 11, 12]), ("b", "w", [20, 21, 22]));
        var t = Assert.Single(PairPermutationTest.Run(result).Pairs);
        Assert.Equal(20, t.Relabellings);
        Assert.Equal(0.1, t.PValue, 1e-12);

        // Forced to sample: within four standard errors of the exact value.
        var sampled = Assert.Single(PairPermutationTest.Run(result, new PermutationTestOptions(exactLimit: 1, samples: 4000)).Pairs);
        Assert.False(sampled.Exact);
        Assert.Equal(4000, sampled.Relabellings);
        Assert.Equal(0.1, sampled.PValue, 4 * Math.Sqrt(0.1 * 0.9 / 4000));
    }

    [Fact]
    public void IdenticalStudiesGivePOne()
    {
        var t = Assert.Single(PairPermutationTest.Run(Score(("a", "w", [5, 6, 7]), ("b", "w", [5, 6, 7]))).Pairs);
        Assert.Equal(0.0, t.ScoreDifference);
        Assert.Equal(0.0, t.Statistic);
        Assert.Equal(1.0, t.PValue);
    }

    [Fact]
    public void HolmAdjustsStepDownAndKeepsTheOrder()
    {
        // Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06.
        var adjusted = PairPermutationTest.Holm([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(a => Math.Round(a, 12)).ToArray());
        Assert.Equal([1.0, 1.0], PairPermutationTest.Holm([0.6, 0.9])); // capped at 1
    }

    [Fact]
    public void TheWorkedExampleMatchesAnIndependentEnumeration()
    {
        // From an independent Python enumeration with exact fractions: adamw–sgd and muon–sgd: T = ½ + ½ = 1, reached
        // by 2 of the 20 × 20 relabellings (both cells fully separated, the same way or mirrored): p = 1/200.
        // adamw–muon: θ = 5/9 − ½ on resnet and 4/9 − ½ on llama, T = 0: p = 1. Holm: 3/200, 3/200, 1.
        var tests = PairPermutationTest.Run(DocsWorkedExampleTests.Example());
        Assert.Equal(0.005, tests["adamw", "sgd"].PValue, 1e-12);
        Assert.Equal(0.005, tests["sgd", "muon"].PValue, 1e-12);
        Assert.Equal(0.0, tests["adamw", "muon"].Statistic, 1e-12);
        Assert.Equal(1.0, tests["adamw", "muon"].PValue, 1e-12);
        Assert.Equal(0.015, tests["adamw", "sgd"].AdjustedPValue, 1e-12);
        Assert.All(tests.Pairs, p => Assert.Equal(400, p.Relabellings));
        Assert.Equal(
            [("adamw", "sgd"), ("muon", "sgd")],
            tests.SignificantDifferences.Select(d => (d.Better, d.Worse)));

        // At a family-wise 1 % nothing passes.
        Assert.Empty(PairPermutationTest.Run(DocsWorkedExampleTests.Example(), new PermutationTestOptions(confidence: 0.99)).SignificantDifferences);
    }

    [Fact]
    public void ManyStudiesAreSeparatedExactlyOrBySamplingAndOneStudyIsNeverSignificant()
    {
        // Eight studies each, fully separated on two workloads: C(16, 8) = 12,870 relabellings per cell, convolved
        // exactly; |T| = 1 only when both cells are fully separated the same way: p = 2/12870².
        double[] fast = [10, 11, 12, 13, 14, 15, 16, 17], slow = [30, 31, 32, 33, 34, 35, 36, 37];
        var result = Score(("a", "x", fast), ("a", "y", fast), ("b", "x", slow), ("b", "y", slow));
        var t = Assert.Single(PairPermutationTest.Run(result).Pairs);
        Assert.True(t.Exact);
        Assert.Equal(12870.0 * 12870, t.Relabellings);
        Assert.Equal(2 / (12870.0 * 12870), t.PValue, 1e-20);

        // Sampled instead (limit below 12,870): no draw is as extreme, so p = 1/(M + 1).
        var sampled = PairPermutationTest.Run(result, new PermutationTestOptions(exactLimit: 100));
        var s = Assert.Single(sampled.Pairs);
        Assert.False(s.Exact);
        Assert.Equal(1.0 / 10_001, s.PValue, 1e-15);
        Assert.Equal(new SignificantDifference("a", "b", s.PValue, s.AdjustedPValue), Assert.Single(sampled.SignificantDifferences));

        var single = PairPermutationTest.Run(Score(("a", "w", [10]), ("b", "w", [30])));
        Assert.False(single.IsReplicated);
        Assert.Empty(single.SignificantDifferences);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => new PermutationTestOptions(exactLimit: 0));
        Assert.Throws<ArgumentException>(() => new PermutationTestOptions(samples: 0));
        Assert.Throws<ArgumentException>(() => new PermutationTestOptions(confidence: 1));
        Assert.Equal(0.05, PermutationTestOptions.Default.Alpha, 1e-12);
        Assert.Throws<KeyNotFoundException>(() => PairPermutationTest.Run(Score(("a", "w", [1, 2]), ("b", "w", [3, 4])))["a", "zz"]);
    }
}
