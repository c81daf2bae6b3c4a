using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class RulesetTests
{
    [Fact]
    public void UnscrambledRadicalInversesAreTheHaltonSequence()
    {
        int[] id2 = [0, 1];
        int[] id3 = [0, 1, 2];
        Assert.Equal([0.5, 0.25, 0.75, 0.125], new[] { 1, 2, 3, 4 }.Select(i => ScrambledHalton.RadicalInverse(i, 2, id2)));
        Assert.Equal(1.0 / 3, ScrambledHalton.RadicalInverse(1, 3, id3), 1e-15);
        Assert.Equal(7.0 / 9, ScrambledHalton.RadicalInverse(5, 3, id3), 1e-15); // 5 = 12₃ → 0.21₃
    }

    [Fact]
    public void ScrambledPointsAreDeterministicInRangeAndEvenlySpread()
    {
        var a = new ScrambledHalton(3, seed: 42);
        var b = new ScrambledHalton(3, seed: 42);
        var c = new ScrambledHalton(3, seed: 43);
        Assert.Equal(a.Point(7), b.Point(7));
        Assert.NotEqual(a.Point(7), c.Point(7));
        // 2,000 points: each of the 10 bins of every coordinate holds 200 ± 10 (a low-discrepancy sequence, far tighter than random).
        for (int d = 0; d < 3; d++)
        {
            var bins = new int[10];
            for (int i = 0; i < 2000; i++)
            {
                double x = a.Point(i)[d];
                Assert.InRange(x, 0, Math.BitDecrement(1.0));
                bins[(int)(x * 10)]++;
            }

            Assert.All(bins, n => Assert.InRange(n, 190, 210));
        }
    }

    [Fact]
    public void ExternalTuningDrawsPerStudyPointsAndSeedsArePaired()
    {
        var plan = SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, studies: 3, trials: 5, sweepSeed: 1);
        Assert.Equal(15, plan.Count);
        Assert.Equal(15, plan.Select(t => t.Key).Distinct().Count());
        Assert.NotEqual(plan[0].Hyperparameters.GetDouble("learning_rate"), plan[5].Hyperparameters.GetDouble("learning_rate"));
        Assert.All(plan, t => Assert.InRange(t.Hyperparameters.GetDouble("learning_rate"), 1e-4, 1e-2));
        Assert.All(plan, t => Assert.Equal(1.0, t.BudgetMultiplier));
        var again = SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, 3, 5, 1);
        Assert.Equal(plan.Select(t => t.Hyperparameters.ToString()), again.Select(t => t.Hyperparameters.ToString()));

        // Another algorithm in the same study sees the same data order and initial weights.
        var adam = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 3, 5, 1);
        Assert.Equal(plan.Select(t => (t.DataSeed, t.InitSeed)), adam.Select(t => (t.DataSeed, t.InitSeed)));
        Assert.NotEqual(plan[0].AlgorithmSeed, adam[0].AlgorithmSeed);
    }

    /// <summary>A plan numbered from trial 3 is trials 3 and 4 of the plan from 0: the same keys, seeds and Halton points.</summary>
    [Fact]
    public void APlanFromALaterTrialContinuesTheNumberingKeysSeedsAndPoints()
    {
        var all = SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, studies: 2, trials: 5, sweepSeed: 1);
        var later = SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, studies: 2, trials: 2, sweepSeed: 1, firstTrial: 3);
        var expected = all.Where(t => t.Trial >= 3).ToList();
        Assert.Equal(expected.Select(t => (t.Key, t.Study, t.Trial, t.DataSeed, t.InitSeed, t.AlgorithmSeed, t.Hyperparameters.ToString())),
            later.Select(t => (t.Key, t.Study, t.Trial, t.DataSeed, t.InitSeed, t.AlgorithmSeed, t.Hyperparameters.ToString())));
        Assert.EndsWith("/study1/trial4", later[^1].Key);

        // common random numbers: every trial of a study takes its trial 0's data and init seeds, nothing else changes
        var common = SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, studies: 2, trials: 5, sweepSeed: 1, commonSeeds: true);
        Assert.Equal(all.Select(t => (t.Key, t.AlgorithmSeed, t.Hyperparameters.ToString())), common.Select(t => (t.Key, t.AlgorithmSeed, t.Hyperparameters.ToString())));
        foreach (int study in new[] { 0, 1 })
        {
            var first = all.Single(t => t.Study == study && t.Trial == 0);
            Assert.All(common.Where(t => t.Study == study), t => Assert.Equal((first.DataSeed, first.InitSeed), (t.DataSeed, t.InitSeed)));
        }

        Assert.NotEqual(common[0].DataSeed, common[5].DataSeed); // studies stay independent
        Assert.Throws<ArgumentOutOfRangeException>(() => SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, 1, 1, 1, firstTrial: -1));
    }

    [Fact]
    public void FixedListsAreTakenInOrderAndSelfTuningUsesDefaultsWithTheLargerBudget()
    {
        var space = SearchSpace.Parse("""[{"learning_rate": 0.1}, {"learning_rate": 0.2}]""");
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 3, 9, space);
        Assert.Equal([0.1, 0.2, 0.1], plan.Select(t => t.Hyperparameters.GetDouble("learning_rate")));

        var self = SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.SelfTuning, studies: 3, trials: 5, sweepSeed: 9);
        Assert.Equal(3, self.Count);
        Assert.All(self, t => Assert.Equal(1.5, t.BudgetMultiplier));
        Assert.All(self, t => Assert.Same(new NAdamW().Defaults.GetType(), t.Hyperparameters.GetType()));
        Assert.Equal(new NAdamW().Defaults.ToString(), self[0].Hyperparameters.ToString());
    }

    [Fact]
    public void ShardsPartitionTheSweepExactly()
    {
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 3, 5, 4)
            .Concat(SweepPlanner.Plan("v", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, 3, 5, 4)).ToList();
        var shards = Enumerable.Range(0, 4).Select(i => SweepPlanner.Shard(plan, i, 4)).ToList();
        Assert.Equal(plan.Count, shards.Sum(s => s.Count));
        Assert.Equal(plan.Select(t => t.Key).Order(StringComparer.Ordinal), shards.SelectMany(s => s).Select(t => t.Key).Order(StringComparer.Ordinal));
        Assert.All(shards, s => Assert.InRange(s.Count, 7, 8));
        Assert.Equal((2, 4), SweepPlanner.ParseShard("2/4"));
        Assert.Contains("expected i/n with 0 ≤ i < n", Assert.Throws<ArgumentException>(() => SweepPlanner.ParseShard("4/4")).Message);
    }
}
