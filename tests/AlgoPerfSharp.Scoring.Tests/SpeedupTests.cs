using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class SpeedupTests
{
    private static readonly WorkloadScoringSpec[] Specs =
        [Base("w1", budget: 1000), Base("w2", budget: 2000), Variant("w2v", "w2", budget: 50)];

    [Fact]
    public void GeometricMeanWithInfinityReplacedByBudgetPlusOne()
    {
        // w1: 50/100 = 0.5. w2: candidate ∞ → 2000 + 1 → 2001/200 = 10.005. gmean = √(0.5 · 10.005) = √5.0025.
        // The variant is ignored (AlgoPerf: base workloads only).
        var baseline = Times("base", ("w1", 100), ("w2", 200), ("w2v", 10));
        var candidate = Times("cand", ("w1", 50), ("w2", Inf), ("w2v", 1000));
        var s = Speedup.Compute(baseline, candidate, Specs, ScoringRules.ExternalTuning);
        Assert.Equal(Math.Sqrt(5.0025), s.GeometricMeanTimeRatio, 1e-12);
        Assert.Equal(1 / Math.Sqrt(5.0025), s.GeometricMeanSpeedup, 1e-12);
        Assert.Equal(1 - Math.Sqrt(5.0025), s.FractionLessTime, 1e-12);
        Assert.Equal(["w1", "w2"], s.Workloads.Select(w => w.Workload));
        Assert.Equal(2001.0, s.Workloads[1].CandidateSeconds);
        Assert.False(s.Workloads[1].CandidateReached);
        Assert.True(s.Workloads[1].BaselineReached);
    }

    [Fact]
    public void SelfTuningReplacesInfinityWithTheMultipliedBudget()
    {
        // Budget 2000 × 1.5 = 3000 → 3001/200 = 15.005.
        var baseline = Times("base", ("w1", 100), ("w2", 200));
        var candidate = Times("cand", ("w1", 50), ("w2", Inf));
        var s = Speedup.Compute(baseline, candidate, Specs, ScoringRules.SelfTuning);
        Assert.Equal(Math.Sqrt(0.5 * 15.005), s.GeometricMeanTimeRatio, 1e-12);
    }

    [Fact]
    public void BothInfiniteOrMissingIsRatioOne()
    {
        // w1: both ∞ → 1001/1001. w2: missing on both sides → treated as ∞ → 1.
        var s = Speedup.Compute(Times("base", ("w1", Inf)), Times("cand", ("w1", Inf)), Specs, ScoringRules.ExternalTuning);
        Assert.Equal(1.0, s.GeometricMeanTimeRatio, 1e-15);
    }

    [Fact]
    public void TwiceAsFastEverywhereIsHalfTheTime()
    {
        var s = Speedup.Compute(
            Times("base", ("w1", 300), ("w2", 80)), Times("cand", ("w1", 150), ("w2", 40)), Specs, ScoringRules.ExternalTuning);
        Assert.Equal(0.5, s.GeometricMeanTimeRatio, 1e-15);
        Assert.Equal(2.0, s.GeometricMeanSpeedup, 1e-14);
    }
}
