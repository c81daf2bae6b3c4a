using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Sharding deals whole trials across every plan dimension, balanced by budget: each trial in exactly one shard, the
/// shards together the unsharded plan, and the greedy packing's balance bounds on cases worked by hand.
/// </summary>
public sealed class ShardPartitionTests
{
    // 2 workloads × 2 algorithms × 3 studies × 5 trials = 60 trials, with budgets 100 s (w) and 37 s (v).
    private static List<TrialSpec> Plan(ulong seed = 4) =>
    [
        .. SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 3, 5, seed),
        .. SweepPlanner.Plan("w", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, 3, 5, seed),
        .. SweepPlanner.Plan("v", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 3, 5, seed),
        .. SweepPlanner.Plan("v", new NAdamW(), "nadamw", TuningRuleset.ExternalTuning, 3, 5, seed),
    ];

    private static double Budget(TrialSpec t) => t.Workload == "w" ? 100 : 37;

    [Fact]
    public void EveryTrialIsInExactlyOneShardAndTheShardsTogetherAreTheUnshardedPlan()
    {
        var plan = Plan();
        var p = ShardPartition.Of(plan, 7, Budget);
        Assert.Equal(7, p.Shards.Count);
        var keys = p.Shards.SelectMany(s => s).Select(t => t.Key).ToList();
        Assert.Equal(60, keys.Count);
        Assert.Equal(60, keys.Distinct(StringComparer.Ordinal).Count()); // no trial twice
        Assert.Equal(plan.Select(t => t.Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal)); // none missing
        // whole trials, as planned: every spec (hyperparameters and seeds included) comes through unchanged
        var byKey = plan.ToDictionary(t => t.Key, StringComparer.Ordinal);
        Assert.All(p.Shards.SelectMany(s => s), t => Assert.Same(byKey[t.Key], t));
        // each shard in key order, and its budget is the sum of its trials'
        Assert.All(p.Shards, s => Assert.Equal(s.Select(t => t.Key).Order(StringComparer.Ordinal), s.Select(t => t.Key)));
        for (int i = 0; i < 7; i++) Assert.Equal(p.Shards[i].Sum(Budget), p.BudgetSeconds[i]);
        Assert.Equal((30 * 100) + (30 * 37), p.BudgetSeconds.Sum());
        // the greedy bound: the heaviest shard exceeds the lightest by at most one trial's budget
        Assert.True(p.BudgetSeconds.Max() - p.BudgetSeconds.Min() <= 100, string.Join(", ", p.BudgetSeconds));
        // SweepPlanner.Shard is the same partition, one shard at a time
        for (int i = 0; i < 7; i++) Assert.Equal(p.Shards[i], SweepPlanner.Shard(plan, i, 7, Budget));
    }

    [Fact]
    public void ThePartitionDependsOnThePlanNotTheOrderItIsListedIn()
    {
        var plan = Plan();
        var shuffled = plan.OrderBy(t => SweepPlanner.Derive(9, t.Key)).ToList();
        Assert.NotEqual(plan.Select(t => t.Key), shuffled.Select(t => t.Key));
        var a = ShardPartition.Of(plan, 5, Budget);
        var b = ShardPartition.Of(shuffled, 5, Budget);
        for (int i = 0; i < 5; i++) Assert.Equal(a.Shards[i].Select(t => t.Key), b.Shards[i].Select(t => t.Key));
    }

    [Fact]
    public void LongestBudgetFirstOnHandWorkedCases()
    {
        // budgets 7, 6, 5, 4, 3, 2, 1 into 3 shards: 7→0, 6→1, 5→2, 4→2 (9), 3→1 (9), 2→0 (9), 1→0 (10); optimum ⌈28/3⌉ = 10
        var seven = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 7, 1);
        double[] budgets = [7, 6, 5, 4, 3, 2, 1];
        double B(TrialSpec t) => budgets[t.Trial];
        var p = ShardPartition.Of(seven, 3, B);
        Assert.Equal([10.0, 9, 9], p.BudgetSeconds);
        Assert.Equal([[0, 5, 6], [1, 4], [2, 3]], p.Shards.Select(s => s.Select(t => t.Trial).Order().ToArray()).ToArray());

        // Graham's worst case for 2 shards, 3, 3, 2, 2, 2: greedy gives 7 against the optimum 6 (3+3 | 2+2+2), exactly
        // the bound 4/3 − 1/(3·2) = 7/6
        var five = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 5, 1);
        double[] worst = [3, 3, 2, 2, 2];
        var g = ShardPartition.Of(five, 2, t => worst[t.Trial]);
        Assert.Equal(7.0, g.BudgetSeconds.Max());
        Assert.Equal(5.0, g.BudgetSeconds.Min());
        Assert.Equal(7.0 / 6, g.BudgetSeconds.Max() / 6, 12);
    }

    [Fact]
    public void EqualBudgetsAreDealtOutInKeyOrder()
    {
        // what the Slurm end-to-end test relies on: with one budget, trial j of the key-sorted plan goes to shard j mod n
        var plan = Plan();
        var ordered = plan.Select(t => t.Key).Order(StringComparer.Ordinal).ToList();
        var p = ShardPartition.Of(plan, 4, _ => 12.5);
        for (int i = 0; i < 4; i++) Assert.Equal(ordered.Where((_, j) => j % 4 == i), p.Shards[i].Select(t => t.Key));
    }

    [Fact]
    public void BudgetsOutweighCountsWhereRoundRobinWouldNot()
    {
        // 6 trials of 100 s and 6 of 10 s into 3 shards: greedy puts 2 long and 2 short in each (220 s apiece)
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 12, 1);
        var p = ShardPartition.Of(plan, 3, t => t.Trial < 6 ? 100 : 10);
        Assert.Equal([220.0, 220, 220], p.BudgetSeconds);
        Assert.All(p.Shards, s => Assert.Equal(2, s.Count(t => t.Trial < 6)));
        // every third key in order (what equal budgets give) ignores the budgets: keys sort trial0, trial1, trial10, trial11, trial2, …
        double Long(TrialSpec t) => t.Trial < 6 ? 100 : 10;
        var byKey = Enumerable.Range(0, 3).Select(i => SweepPlanner.Shard(plan, i, 3).Sum(Long));
        Assert.Equal([220.0, 310, 130], byKey);
    }

    [Fact]
    public void BadShardCountsAndBudgetsAreRefusedNamingThem()
    {
        var plan = Plan();
        Assert.Contains("shard count 0 is invalid", Assert.Throws<ArgumentException>(() => ShardPartition.Of(plan, 0, Budget)).Message);
        var e = Assert.Throws<ArgumentException>(() => ShardPartition.Of(plan, 2, _ => double.NaN));
        Assert.Contains("has budget NaN s; need a finite budget ≥ 0", e.Message);
        Assert.Contains("appears twice in the plan", Assert.Throws<ArgumentException>(() => ShardPartition.Of([plan[0], plan[0]], 2, Budget)).Message);
        Assert.Contains("shard 3/3 is invalid", Assert.Throws<ArgumentException>(() => SweepPlanner.Shard(plan, 3, 3)).Message);
    }

    [Fact]
    public void MoreShardsThanTrialsLeavesSomeEmpty()
    {
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.SelfTuning, 2, 1, 1);
        var p = ShardPartition.Of(plan, 3, t => 10 * t.BudgetMultiplier); // self-tuning: budget × 1.5
        Assert.Equal([1, 1, 0], p.Shards.Select(s => s.Count));
        Assert.Equal([15.0, 15, 0], p.BudgetSeconds);
    }
}
