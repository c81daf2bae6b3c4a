using static AlgoPerfSharp.Scoring.Tests.BootstrapCases;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class RankingAgreementTests
{
    [Fact]
    public void TheSameLeaderboardAgreesPerfectly()
    {
        var boot = ScoreBootstrap.Run(DocsWorkedExampleTests.Example());
        var agreement = RankingAgreement.Compare(boot, boot);
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
        // Run 1: a's studies all beat b's (significant, P = 1). Run 2: b's all beat a's, and c appears only in run 2.
        var first = ScoreBootstrap.Run(Score(("a", "w", [10, 11, 12]), ("b", "w", [20, 21, 22])));
        var second = ScoreBootstrap.Run(Score(("a", "w", [30, 31, 32]), ("b", "w", [20, 21, 22]), ("c", "w", [25, 26, 27])));
        var agreement = RankingAgreement.Compare(first, second);
        Assert.Equal(["a", "b"], agreement.Algorithms);
        Assert.Equal(-1.0, agreement.KendallTau);
        Assert.Equal(new SignificantDifference("a", "b", 1.0), Assert.Single(agreement.FirstNotKept));
        Assert.Equal(new SignificantDifference("b", "a", 1.0), Assert.Single(agreement.SecondNotKept));

        // The fastest scores exactly 1 in every replicate and the other stays at a ratio ≥ 20/12 > 1.5 (run 1) or
        // ≥ 30/22 (run 2), so neither algorithm's interval in one run reaches its interval in the other.
        Assert.Empty(agreement.OverlappingIntervals);
    }
}
