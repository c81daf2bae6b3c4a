using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>
/// Hand-computed tables. Every expected score below was also reproduced with numpy by
/// reference/algoperf_profile_reference.py (AlgoPerf's steps re-implemented; agreement ≤ 1.1e-16).
/// </summary>
public sealed class PerformanceProfileTests
{
    private const double Tol = 1e-12;
    private static readonly WorkloadScoringSpec[] ThreeWorkloads = [Base("w1"), Base("w2"), Base("w3")];

    [Fact]
    public void TauGridIsNumpyLinspaceOneToFour()
    {
        var r = PerformanceProfile.Compute([Times("A", ("w1", 1))], [Base("w1")]);
        Assert.Equal(100, r.Taus.Count);
        Assert.Equal(1.0, r.Taus[0]);
        Assert.Equal(4.0, r.Taus[99]);
        Assert.Equal(1 + (50 * (3.0 / 99)), r.Taus[50]);
    }

    [Fact]
    public void OneSubmissionScoresOne()
    {
        var r = PerformanceProfile.Compute([Times("A", ("w1", 10), ("w2", 20), ("w3", 30))], ThreeWorkloads);
        Assert.Equal(1.0, r["A"].Score, Tol);
        Assert.All(r["A"].Rho, rho => Assert.Equal(1.0, rho));
        Assert.All(r["A"].Workloads, c => Assert.Equal(1.0, c.Ratio));
    }

    [Fact]
    public void OneSubmissionMissingAWorkloadScoresTheFractionReached()
    {
        var r = PerformanceProfile.Compute([Times("A", ("w1", 10), ("w2", 20))], ThreeWorkloads);
        Assert.Equal(2.0 / 3, r["A"].Score, Tol);
        Assert.Equal(ProfileOutcome.Missing, r["A"].Workloads[2].Outcome);
    }

    [Fact]
    public void TwoSubmissionsThreeWorkloadsHandIntegrated()
    {
        // Times           w1    w2    w3        Ratios to the column minimum
        //   A            100   160   100        A: 1    1.6   1
        //   B            250   100   320        B: 2.5  1     3.2
        // τ_i = 1 + 3i/99. A ratio r first satisfies r ≤ τ_k at k = ⌈33(r − 1)⌉: 1.6 → k = 20 (19.8),
        // 2.5 → 50 (49.5), 3.2 → 73 (72.6), 1 → 0. With d = 3/99, a workload stepping in at k ≥ 1 contributes
        // (99 − k)·d + d/2 to the trapezoid integral (the interval [τ_{k−1}, τ_k] averages 0 and 1), k = 0 gives 99·d.
        // Divided by 3 and by N = 3: credit(k) = (99 − k + ½)/99 per workload.
        //   A = (1 + 79.5/99 + 1)/3 = 277.5/297,   B = (49.5/99 + 1 + 26.5/99)/3 = 175/297.
        var r = PerformanceProfile.Compute(
            [Times("A", ("w1", 100), ("w2", 160), ("w3", 100)), Times("B", ("w1", 250), ("w2", 100), ("w3", 320))],
            ThreeWorkloads);
        Assert.Equal(277.5 / 297, r["A"].Score, Tol);
        Assert.Equal(175.0 / 297, r["B"].Score, Tol);
        Assert.Equal(1.0, Credit(0));
        Assert.Equal((Credit(0) + Credit(20) + Credit(0)) / 3, r["A"].Score, Tol);
        Assert.Equal((Credit(50) + Credit(0) + Credit(73)) / 3, r["B"].Score, Tol);

        Assert.Equal([1.0, 1.6, 1.0], r["A"].Workloads.Select(c => c.Ratio));
        Assert.Equal([2.5, 1.0, 3.2], r["B"].Workloads.Select(c => c.Ratio), new ToleranceComparer(1e-15));

        // ρ_B steps: 1/3 until τ ≥ 2.5 (index 50), 2/3 until τ ≥ 3.2 (index 73), then 1.
        Assert.Equal(1.0 / 3, r["B"].Rho[49]);
        Assert.Equal(2.0 / 3, r["B"].Rho[50]);
        Assert.Equal(2.0 / 3, r["B"].Rho[72]);
        Assert.Equal(1.0, r["B"].Rho[73]);
        Assert.Equal(2.0 / 3, r["A"].Rho[19]);
        Assert.Equal(1.0, r["A"].Rho[20]);
    }

    [Fact]
    public void TiesBothGetFullCredit()
    {
        var r = PerformanceProfile.Compute(
            [Times("A", ("w1", 5), ("w2", 7)), Times("B", ("w1", 5), ("w2", 7))], [Base("w1"), Base("w2")]);
        Assert.Equal(1.0, r["A"].Score, Tol);
        Assert.Equal(1.0, r["B"].Score, Tol);
    }

    [Fact]
    public void FourTimesCutIsInclusiveAtExactlyFour()
    {
        // Exactly 4× the fastest stays (ratio 4 ≤ τ_99 = 4): credit only over the last half-interval, (½·d)/3 = 1/198.
        var kept = PerformanceProfile.Compute([Times("A", ("w", 100)), Times("B", ("w", 400))], [Base("w")]);
        Assert.Equal(ProfileOutcome.Scored, kept["B"].Workloads[0].Outcome);
        Assert.Equal(4.0, kept["B"].Workloads[0].Ratio);
        Assert.Equal(1.0 / 198, kept["B"].Score, Tol);
        Assert.Equal(Credit(99), kept["B"].Score, Tol);

        // Anything above 4× becomes ∞ before ratios are taken: no credit at all.
        var cut = PerformanceProfile.Compute([Times("A", ("w", 100)), Times("B", ("w", 400.0001))], [Base("w")]);
        Assert.Equal(ProfileOutcome.BeyondMaxRatio, cut["B"].Workloads[0].Outcome);
        Assert.Equal(400.0001, cut["B"].Workloads[0].RawSeconds);
        Assert.Equal(Inf, cut["B"].Workloads[0].EffectiveSeconds);
        Assert.Equal(Inf, cut["B"].Workloads[0].Ratio);
        Assert.Equal(0.0, cut["B"].Score);
    }

    [Fact]
    public void MissingWorkloadCountsAsInfinityInTheDenominator()
    {
        // A lacks w2 entirely; N stays 2. A = (1 + 0)/2; B: w1 ratio 2.5 → credit(50), w2 fastest → 1.
        var r = PerformanceProfile.Compute(
            [Times("A", ("w1", 100)), Times("B", ("w1", 250), ("w2", 50))], [Base("w1"), Base("w2")]);
        Assert.Equal(0.5, r["A"].Score, Tol);
        Assert.Equal(0.75, r["B"].Score, Tol);
        Assert.Equal((Credit(50) + 1) / 2, r["B"].Score, Tol);
        Assert.Equal(ProfileOutcome.Missing, r["A"].Workloads[1].Outcome);
    }

    [Fact]
    public void WorkloadNobodyReachedGivesNoCreditToAnyone()
    {
        // ∞/∞ = NaN (AlgoPerf's division): never ≤ τ.
        var r = PerformanceProfile.Compute(
            [Times("A", ("w1", 100), ("w2", Inf)), Times("B", ("w1", 250), ("w2", Inf))], [Base("w1"), Base("w2")]);
        Assert.Equal(0.5, r["A"].Score, Tol);
        Assert.Equal(0.25, r["B"].Score, Tol);
        Assert.True(double.IsNaN(r["A"].Workloads[1].Ratio));
        Assert.Equal(ProfileOutcome.NotReached, r["A"].Workloads[1].Outcome);
    }

    [Fact]
    public void HeldOutVariantRule()
    {
        // Base b with held-out variant bv; base c without a variant (passes the variant conditions automatically).
        //        b      bv     c     what happens (AlgoPerf v0.5 order of steps)
        //   X   100     ∞     100    variant not reached            → b disqualified (VariantFailed)
        //   Y   150    200    100    fastest surviving on b         → ratio 1
        //   Z    ∞      50    100    base not reached → bv := ∞ first, so Z cannot set the fastest variant time (50)
        //   W   300    900    100    900 > 4 × 200 (fastest variant among base finishers) → bv cut → b disqualified
        //   V   330    700    100    700 ≤ 800 keeps bv; b 330 ≤ 4 × 100 kept; ratio to surviving min 150 = 2.2
        //   U   450    300    100    450 > 4 × 100: cut on times BEFORE X is disqualified (AlgoPerf's order), even
        //                            though 450/150 = 3 would pass after it
        // c: all 100 → ratio 1. N = 2 base workloads. V: 2.2 → k = ⌈33·1.2⌉ = 40.
        var specs = new[] { Base("b"), Variant("bv", "b"), Base("c") };
        var r = PerformanceProfile.Compute(
        [
            Times("X", ("b", 100), ("bv", Inf), ("c", 100)),
            Times("Y", ("b", 150), ("bv", 200), ("c", 100)),
            Times("Z", ("b", Inf), ("bv", 50), ("c", 100)),
            Times("W", ("b", 300), ("bv", 900), ("c", 100)),
            Times("V", ("b", 330), ("bv", 700), ("c", 100)),
            Times("U", ("b", 450), ("bv", 300), ("c", 100)),
        ], specs);

        Assert.Equal(["b", "c"], r.BaseWorkloads);
        Assert.Equal(["bv"], r.Variants);
        Assert.Equal(0.5, r["X"].Score, Tol);
        Assert.Equal(1.0, r["Y"].Score, Tol);
        Assert.Equal(0.5, r["Z"].Score, Tol);
        Assert.Equal(0.5, r["W"].Score, Tol);
        Assert.Equal((Credit(40) + 1) / 2, r["V"].Score, Tol);
        Assert.Equal(0.5, r["U"].Score, Tol);

        Assert.Equal(ProfileOutcome.VariantFailed, r["X"].Workloads[0].Outcome);
        Assert.Equal(ProfileOutcome.NotReached, r["X"].Variants[0].Outcome);
        Assert.Equal(ProfileOutcome.BaseFailed, r["Z"].Variants[0].Outcome);
        Assert.Equal(ProfileOutcome.BeyondMaxRatio, r["W"].Variants[0].Outcome);
        Assert.Equal(ProfileOutcome.VariantFailed, r["W"].Workloads[0].Outcome);
        Assert.Equal(ProfileOutcome.BeyondMaxRatio, r["U"].Workloads[0].Outcome);
        Assert.Equal(2.2, r["V"].Workloads[0].Ratio, 1e-15);
        Assert.Equal(1.0, r["Y"].Workloads[0].Ratio);
        Assert.Equal(3.5, r["V"].Variants[0].Ratio); // 700 / 200: informative only
    }

    [Fact]
    public void WithoutVariantsTheVariantStepsAreNoOps()
    {
        // Same base times as the variant table with the variant removed: only the r_max cut acts.
        var r = PerformanceProfile.Compute(
            [Times("X", ("b", 100)), Times("Y", ("b", 150)), Times("U", ("b", 450))], [Base("b")]);
        Assert.Equal(1.0, r["X"].Score, Tol);
        Assert.Equal(Credit(17), r["Y"].Score, Tol); // 1.5 → k = ⌈16.5⌉ = 17
        Assert.Equal(0.0, r["U"].Score);
    }

    [Fact]
    public void ScoresFromTrialsEndToEnd()
    {
        // Two submissions, two workloads, external tuning with 3 studies of 2 trials.
        // A on lm: study minima 100, 120, 90 → median 100.  B on lm: 130, 125, ∞ → median 130.
        // A on mnist: 40, 55, 60 → 55.                        B on mnist: 20, 25, 30 → 25.
        var trials = new List<TrialRecord>();
        void Add(string sub, WorkloadScoringSpec spec, params double[][] studies)
        {
            for (var s = 0; s < studies.Length; s++)
            {
                for (var t = 0; t < studies[s].Length; t++)
                {
                    trials.Add(ReachesAt(sub, spec, s, t, studies[s][t]));
                }
            }
        }

        Add("A", Lm, [100, 150], [Inf, 120], [90, 95]);
        Add("B", Lm, [130, 180], [125, 125], [Inf, Inf]);
        Add("A", Mnist, [40, 45], [55, 90], [60, Inf]);
        Add("B", Mnist, [20, 99], [25, 30], [30, 30]);

        var result = BenchmarkScoring.Score(trials, [Lm, Mnist], ScoringRules.ExternalTuning);
        var times = result.Times.ToDictionary(w => (w.Submission, w.Workload), w => w.ValidationSeconds);
        Assert.Equal(100.0, times[("A", "lm")]);
        Assert.Equal(130.0, times[("B", "lm")]);
        Assert.Equal(55.0, times[("A", "mnist")]);
        Assert.Equal(25.0, times[("B", "mnist")]);

        // A: lm ratio 1, mnist 2.2 → k = 40.  B: lm 1.3 → k = ⌈9.9⌉ = 10, mnist 1.
        Assert.Equal((1 + Credit(40)) / 2, result.Profile["A"].Score, Tol);
        Assert.Equal((Credit(10) + 1) / 2, result.Profile["B"].Score, Tol);
    }

    private sealed class ToleranceComparer(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tol;

        public int GetHashCode(double obj) => 0;
    }
}
