using static AlgoPerfSharp.Scoring.Tests.BootstrapCases;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class RankingAgreementTests
{
    [Fact]
    public void TheSameLeaderboardAgreesPerfectly()
    {
        var example = DocsWorkedExampleTests.Example();
        var boot = ScoreBootstrap.Run(example);
        var tests = PairPermutationTest.Run(example);
        var agreement = RankingAgreement.Compare(boot, tests, boot, tests);
        Assert.Equal(["adamw", "muon", "sgd"], agreement.Algorithms);
        Assert.Equal(1.0, agreement.KendallTau);
        Assert.Equal(3, agreement.OverlappingIntervals.Count);
        Assert.Equal(2, agreement.FirstSignificant);
        Assert.Empty(agreement.FirstNotKept);
        Assert.Empty(agreement.SecondNotKept);
        Assert.True(agreement.BothReplicated);
    }

    [Fact]
    public void ASignificantPairReversedInTheOtherRunIsReported()
    {
        // Run 1: a's studies all beat b's. Run 2: b's all beat a's, and c appears only in run 2. Fully separated cells of
        // three studies give p = 2/20 (see PairPermutationTestTests); run 2 tests three pairs, so Holm adjusts its
        // smallest to 0.3. At a (deliberately loose) family-wise α = 0.3 both runs call (a, b) significant, in opposite
        // directions.
        var r1 = Score(("a", "w", [10, 11, 12]), ("b", "w", [20, 21, 22]));
        var r2 = Score(("a", "w", [30, 31, 32]), ("b", "w", [20, 21, 22]), ("c", "w", [25, 26, 27]));
        var loose = new PermutationTestOptions(confidence: 0.7);
        var (t1, t2) = (PairPermutationTest.Run(r1, loose), PairPermutationTest.Run(r2, loose));
        var first = ScoreBootstrap.Run(r1);
        var second = ScoreBootstrap.Run(r2);
        var agreement = RankingAgreement.Compare(first, t1, second, t2);
        Assert.Equal(["a", "b"], agreement.Algorithms);
        Assert.Equal(-1.0, agreement.KendallTau);
        Assert.Equal(("a", "b"), Assert.Single(agreement.FirstNotKept) is var f ? (f.Better, f.Worse) : default);
        Assert.Equal(("b", "a"), Assert.Single(agreement.SecondNotKept) is var g ? (g.Better, g.Worse) : default);

        // The fastest scores exactly 1 in every replicate and the other stays at a ratio ≥ 20/12 > 1.5 (run 1) or
        // ≥ 30/22 (run 2), so neither algorithm's interval in one run reaches its interval in the other.
        Assert.Empty(agreement.OverlappingIntervals);
    }
}
