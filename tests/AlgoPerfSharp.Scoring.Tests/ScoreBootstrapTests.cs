using static AlgoPerfSharp.Scoring.Tests.BootstrapCases;
using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class ScoreBootstrapTests
{
    private const int B = 2000;

    /// <summary>Four standard errors of a Monte-Carlo proportion p estimated from B replicates.</summary>
    private static double Tolerance(double p) => (4 * Math.Sqrt(p * (1 - p) / B)) + 1e-12;

    [Fact]
    public void WithOneStudyPerCellEveryIntervalCollapsesToThePoint()
    {
        var result = Score(("a", "w1", [10]), ("a", "w2", [40]), ("b", "w1", [20]), ("b", "w2", [30]), ("c", "w1", [35]), ("c", "w2", [Inf]));
        var boot = ScoreBootstrap.Run(result);
        foreach (var s in boot.Submissions)
        {
            Assert.Equal(result.Profile[s.Submission].Score, s.ScoreLower);
            Assert.Equal(result.Profile[s.Submission].Score, s.ScoreUpper);
            Assert.Equal(s.Rank, s.RankLower);
            Assert.Equal(s.Rank, s.RankUpper);
        }

        Assert.False(boot.IsReplicated);
        Assert.Equal(1, boot.MaxStudies);

        // Every replicate is the data itself, so P is 0 or 1 (½ on the diagonal). a: fastest on w1, ratio 40/30 on w2;
        // b: ratio 20/10 on w1, fastest on w2 — a's smaller ratio gives it more credit; c is slower than a on both.
        Assert.Equal(1.0, boot.Probability("a", "b"));
        Assert.Equal(0.0, boot.Probability("c", "a"));
        Assert.Equal(0.5, boot.Probability("b", "b"));
    }

    [Fact]
    public void WhenEveryStudyOfABeatsEveryStudyOfBThenAIsAlwaysHigher()
    {
        var result = Score(("a", "w1", [10, 11, 12]), ("a", "w2", [5, 6, 7]), ("b", "w1", [13, 20, 15]), ("b", "w2", [8, 9, 30]));
        var boot = ScoreBootstrap.Run(result);
        Assert.Equal(1.0, boot.Probability("a", "b"));
        Assert.Equal(0.0, boot.Probability("b", "a"));
        Assert.Equal((1.0, 1.0), (boot["a"].ScoreLower, boot["a"].ScoreUpper));
        Assert.Equal((1, 1, 1), (boot["a"].Rank, boot["a"].RankLower, boot["a"].RankUpper));
        Assert.Equal((2, 2, 2), (boot["b"].Rank, boot["b"].RankLower, boot["b"].RankUpper));
        Assert.True(boot.IsReplicated);
    }

    [Fact]
    public void TwoStudiesAgainstAConstantMatchTheHandEnumeratedDistribution()
    {
        // a's two studies 10 and 30: its resampled median is 10, 20 or 30 with probability ¼, ½, ¼; b's is always 25.
        // a scores higher when its median is 10 or 20: P = ¾.
        // a's score: 1 (prob ¾) or, at 30 vs 25 (ratio 1.2, first grid index 7), Credit(7) (prob ¼).
        // b's score: at a = 10 ratio 2.5 → k = 50 → Credit(50) = ½ (prob ¼); at a = 20 ratio 1.25 → k = 9 (prob ½); at a = 30 it is 1.
        var result = Score(("a", "w", [10, 30]), ("b", "w", [25, 25]));
        var boot = ScoreBootstrap.Run(result);
        Assert.Equal(0.75, boot.Probability("a", "b"), Tolerance(0.75));
        Assert.Equal(1 - boot.Probability("a", "b"), boot.Probability("b", "a"), 1e-15);

        // Point: a's median (10 + 30)/2 = 20 → score 1; b at ratio 1.25 → Credit(9).
        Assert.Equal(1.0, boot["a"].Score);
        Assert.Equal(Credit(9), boot["b"].Score, 1e-12);

        // The atoms below 2.5 % and above 97.5 % each have probability ≥ ¼, so the percentiles are those atoms exactly.
        Assert.Equal(Credit(7), boot["a"].ScoreLower, 1e-12);
        Assert.Equal(1.0, boot["a"].ScoreUpper);
        Assert.Equal(0.5, boot["b"].ScoreLower, 1e-12);
        Assert.Equal(1.0, boot["b"].ScoreUpper);
        Assert.Equal((1, 2), (boot["a"].RankLower, boot["a"].RankUpper));
        Assert.Equal((1, 2), (boot["b"].RankLower, boot["b"].RankUpper));
    }

    [Fact]
    public void TheMonteCarloBootstrapAgreesWithTheExactEnumeration()
    {
        // 2 submissions × 2 workloads × 2 studies: 4 cells of 4 ordered resamples each, 256 joint resamples.
        var result = Score(("a", "w1", [10, 14]), ("a", "w2", [30, 50]), ("b", "w1", [12, 13]), ("b", "w2", [20, 70]));
        var boot = ScoreBootstrap.Run(result);
        var exact = Exact(result);
        Assert.Equal(1.0, exact.Sum(o => o.Weight), 1e-12);

        var p = ExactProbability(exact, 0, 1);
        Assert.InRange(p, 0.05, 0.95); // a genuinely uncertain pair
        Assert.Equal(p, boot.Probability("a", "b"), Tolerance(p));

        // Each percentile lies between the exact quantiles δ either side of its level, δ = 4 standard errors of a
        // proportion of 2.5 % over B replicates.
        var delta = 4 * Math.Sqrt(0.025 * 0.975 / B);
        for (var i = 0; i < 2; i++)
        {
            var s = boot.Submissions[i];
            Assert.InRange(s.ScoreLower, ExactQuantile(exact, i, 0.025 - delta), ExactQuantile(exact, i, 0.025 + delta));
            Assert.InRange(s.ScoreUpper, ExactQuantile(exact, i, 0.975 - delta), ExactQuantile(exact, i, 0.975 + delta));
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameIntervalsAndAnotherSeedResamplesAnew()
    {
        var result = Score(("a", "w1", [10, 14, 9]), ("a", "w2", [30, 50, 44]), ("b", "w1", [12, 13, 8]), ("b", "w2", [20, 70, 41]));
        var first = ScoreBootstrap.Run(result);
        var again = ScoreBootstrap.Run(result);
        var other = ScoreBootstrap.Run(result, new BootstrapOptions(seed: 7));
        Assert.Equal(first.Submissions, again.Submissions);
        Assert.Equal(first.ProbabilityHigher[0][1], again.ProbabilityHigher[0][1]);
        Assert.NotEqual(first.ProbabilityHigher[0][1], other.ProbabilityHigher[0][1]);
    }

    [Fact]
    public void AMissingStudyIsResampledAsNeverReached()
    {
        // The ruleset requires 2 studies and b has one: its cell is {15, ∞}, and a median over a draw holding ∞ is ∞, so
        // b's median is 15 only when both draws are 15 (¼). a's cell {10, 10} is always 10: b never outscores a.
        var specs = new[] { Base("w") };
        var trials = new[]
        {
            ReachesAt("a", specs[0], 0, 0, 10), ReachesAt("a", specs[0], 1, 0, 10), ReachesAt("b", specs[0], 0, 0, 15),
        };
        var result = BenchmarkScoring.Score(trials, specs, new ScoringRules(TuningRuleset.ExternalTuning, 1.0, studies: 2));
        var boot = ScoreBootstrap.Run(result);
        Assert.Equal(2, boot.MinStudies);
        Assert.Equal(0.0, boot.Probability("b", "a"));
        Assert.Equal(0.0, boot["b"].ScoreLower);              // ∞ in ¾ of replicates
        Assert.Equal(Credit(17), boot["b"].ScoreUpper, 1e-12); // 15/10 = 1.5 → k = 17 in ¼
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => new BootstrapOptions(replicates: 0));
        Assert.Throws<ArgumentException>(() => new BootstrapOptions(confidence: 1));
        Assert.Throws<ArgumentException>(() => new BootstrapOptions(confidence: double.NaN));
        Assert.Equal((2.5, 97.5), (BootstrapOptions.Default.LowerPercentile, BootstrapOptions.Default.UpperPercentile));
    }

    [Fact]
    public void PercentilesUseNumpysLinearMethod()
    {
        // np.percentile([1, 2, 3, 4], 25) = 1.75; 97.5 → h = 2.925 → 3 + 0.925.
        Assert.Equal(1.75, NumpyMath.PercentileOfSorted([1, 2, 3, 4], 25), 1e-15);
        Assert.Equal(3.925, NumpyMath.PercentileOfSorted([1, 2, 3, 4], 97.5), 1e-12);
        Assert.Equal(Inf, NumpyMath.PercentileOfSorted([1, Inf, Inf], 90));
    }
}
