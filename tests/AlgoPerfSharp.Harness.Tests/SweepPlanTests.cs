using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class SweepPlanTests : ScratchFolder
{
    [Fact]
    public void TheQuickPlanUsesTheQuickPresetsOwnBudgetsAndFitsTwentyMinutes()
    {
        var o = new HarnessOptions { Plan = "quick" };
        SweepPlans.Apply(o);
        int algorithms = AlgorithmRegistry.BuiltIns.Count;
        Assert.Equal(algorithms, o.Algorithms.Count);
        Assert.Equal(["fashion_mnist_resnet", "fashion_mnist_vit", "sotu_llama"], o.Workloads);
        Assert.Equal("self", o.Ruleset);
        Assert.Equal(1, o.Studies);
        Assert.Equal("quick", o.Preset);
        Assert.Equal("quick", o.Label);
        Assert.Null(o.MaxRuntime);   // the workloads' calibrated budgets and eval periods apply
        Assert.Null(o.EvalPeriod);
        Assert.False(SweepJob.TrialOptions(o).EvaluateTest);

        // Worst case (no trial stops at its target): every trial trains 1.5 × its workload's budget, plus 12 s for the
        // worker's start, data loading and its validation passes — all of it within the 20 minutes.
        double worst = o.Workloads.Sum(w => algorithms * ((1.5 * WorkloadRegistry.Spec(w, "quick").MaxRuntimeSeconds) + 12));
        Assert.True(worst <= SweepPlans.QuickSeconds, $"worst case {worst:F0} s");
    }

    [Fact]
    public void APlanOnlyFillsWhatWasNotGiven()
    {
        var o = new HarnessOptions { Plan = "smoke", Workloads = ["a"], Algorithms = ["adamw"], MaxRuntime = 2, Ruleset = "external", Label = "mine" };
        SweepPlans.Apply(o);
        Assert.Equal(["adamw"], o.Algorithms);
        Assert.Equal(2, o.MaxRuntime);
        Assert.Equal("external", o.Ruleset);
        Assert.Equal("mine", o.Label);
        Assert.Equal("tiny", o.Preset);
    }

    [Fact]
    public void TheSmokePlanRunsAndPrintsTheLeaderboard()
    {
        string db = P("smoke.db");
        var (code, output, err) = HostedCli.Run("sweep", "--plan", "smoke", "-w", "synthetic_regression", "-a", "adamw", "-a", "nadamw",
            "--max-runtime", "0.3", "--in-process", "--db", db);
        Assert.True(code == 0, output + err);
        Assert.Contains("run 'smoke'", output);
        Assert.Contains("adamw", output[output.IndexOf("all trials", StringComparison.Ordinal)..]);
        Assert.Equal(2, HostedCli.Trials(db, "smoke").Count);
    }
}
