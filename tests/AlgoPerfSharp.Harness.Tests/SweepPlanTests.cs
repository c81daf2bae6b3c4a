using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Plugins;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class SweepPlanTests : ScratchFolder
{
    [Fact]
    public void TheQuickPlanScalesTheBudgetToFitTwentyMinutes()
    {
        var o = new HarnessOptions { Plan = "quick", Workloads = ["a", "b", "c"] };
        SweepPlans.Apply(o);
        int algorithms = AlgorithmRegistry.BuiltIns.Count;
        Assert.Equal(algorithms, o.Algorithms.Count);
        Assert.Equal("self", o.Ruleset);
        Assert.Equal(1, o.Studies);
        Assert.Equal("cpu", o.Preset);
        Assert.Equal("quick", o.Label);
        // 1200 s over 3·m trials, 40 s of each for start-up and validation passes, the rest is 1.5 × budget
        double budget = ((1200.0 / (3 * algorithms)) - 40) / 1.5;
        Assert.Equal(budget, o.MaxRuntime!.Value, 12);
        Assert.Equal(budget * 1.5 / 3, o.EvalPeriod!.Value, 12);
        Assert.True(o.NoTestEval);
        Assert.False(SweepJob.TrialOptions(o).EvaluateTest);
        // the whole sweep's timed budgets plus overheads fit the 20 minutes
        Assert.True((3 * algorithms * ((1.5 * o.MaxRuntime.Value) + 40)) <= 1200 + 1e-9);
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
