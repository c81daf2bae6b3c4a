using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class SweepPlanTests : ScratchFolder
{
    [Fact]
    public void TheQuickPlanRunsThreeStudiesOfTheQuickPresetsOwnBudgetsEachFittingTwentyMinutes()
    {
        var o = new HarnessOptions { Plan = "quick" };
        SweepPlans.Apply(o, TestRegistries.Default);
        int algorithms = 8;
        Assert.Equal(["adamw", "nadamw", "sgd_nesterov", "muon", "shampoo", "ec_shampoo", "purified_shampoo", "soap"], o.Algorithms);
        Assert.All(o.Algorithms, a => Assert.Contains(a, TestRegistries.Algorithms.BuiltIns.Select(b => b.Name)));
        Assert.Equal(["fashion_mnist_resnet", "fashion_mnist_vit", "sotu_llama"], o.Workloads);
        Assert.Equal("self", o.Ruleset);
        Assert.Equal(3, o.Studies);
        Assert.Equal(SweepPlans.QuickStudies, o.Studies);
        Assert.Equal("quick", o.Preset);
        Assert.Equal("quick", o.Label);
        Assert.Null(o.MaxRuntime);   // the workloads' calibrated budgets and eval periods apply
        Assert.Null(o.EvalPeriod);
        Assert.False(SweepJob.TrialOptions(o).EvaluateTest);

        // Worst case (no trial stops at its target): every trial trains 1.5 × its workload's budget, plus 12 s for the
        // worker's start, data loading and its validation passes — one study within the 20 minutes. The whole plan is
        // three such studies: until the quick presets are re-sized, its worst case is three times this.
        double worst = o.Workloads.Sum(w => algorithms * ((1.5 * TestRegistries.Workloads.Spec(w, "quick").MaxRuntimeSeconds) + 12));
        Assert.True(worst <= SweepPlans.QuickSeconds, $"worst case of one study {worst:F0} s");
    }

    [Fact]
    public void TheExtendedPlanIsTheQuickPlanWithEveryBuiltInAndTheDlrms()
    {
        var quick = new HarnessOptions { Plan = "quick" };
        var extended = new HarnessOptions { Plan = "extended" };
        SweepPlans.Apply(quick, TestRegistries.Default);
        SweepPlans.Apply(extended, TestRegistries.Default);
        Assert.Equal(TestRegistries.Algorithms.BuiltIns.Select(b => b.Name), extended.Algorithms);
        Assert.Subset(extended.Algorithms.ToHashSet(), quick.Algorithms.ToHashSet());
        Assert.Equal((quick.Preset, quick.Studies, quick.Ruleset), (extended.Preset, extended.Studies, extended.Ruleset));
        Assert.Equal([.. quick.Workloads, CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr], extended.Workloads);
        Assert.True(extended.NoTestEval);
        Assert.Equal("extended", extended.Label);

        var full = new HarnessOptions { Plan = "full" };
        SweepPlans.Apply(full, TestRegistries.Default);
        Assert.Equal(extended.Workloads, full.Workloads);
        Assert.Equal(extended.Algorithms, full.Algorithms);
        Assert.Equal(("cpu", "external", 5), (full.Preset, full.Ruleset, full.Trials));
    }

    [Theory]
    [InlineData("quick", 3)]
    [InlineData("extended", 3)]
    [InlineData("smoke", 1)]
    [InlineData("full", 3)]
    [InlineData("dlrm", 3)]
    public void EveryPlanHonoursStudiesAndHasADefault(string plan, int defaultStudies)
    {
        var given = new HarnessOptions { Plan = plan, Studies = 5 };
        SweepPlans.Apply(given, TestRegistries.Default);
        Assert.Equal(5, given.Studies);

        var unset = new HarnessOptions { Plan = plan };
        SweepPlans.Apply(unset, TestRegistries.Default);
        Assert.Equal(defaultStudies, unset.Studies);
    }

    [Fact]
    public void TheDlrmPlanIsTheQuickPlanOnTheClickLogDlrmsAndQuickStaysWithoutThem()
    {
        var quick = new HarnessOptions { Plan = "quick" };
        var dlrm = new HarnessOptions { Plan = "dlrm" };
        SweepPlans.Apply(quick, TestRegistries.Default);
        SweepPlans.Apply(dlrm, TestRegistries.Default);
        Assert.Equal([CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr], dlrm.Workloads);
        Assert.Equal(quick.Algorithms, dlrm.Algorithms); // the main job's eight
        Assert.Equal((quick.Preset, quick.Studies, quick.Ruleset, quick.Trials, quick.NoTestEval), (dlrm.Preset, dlrm.Studies, dlrm.Ruleset, dlrm.Trials, dlrm.NoTestEval));
        Assert.Equal("dlrm", dlrm.Label);
        Assert.DoesNotContain(quick.Workloads, w => w.StartsWith("criteo", StringComparison.Ordinal)); // the main job's time limit
        Assert.All(dlrm.Workloads, w => Assert.Null(TestRegistries.Workloads.Find(w)!.UncalibratedTargetsAt(dlrm.Preset))); // calibrated at the plan's preset: no warning
        Assert.All(dlrm.Workloads, w => Assert.Null(TestRegistries.Workloads.Find(w)!.UncalibratedTargetsAt("cpu"))); // the full plan's preset
        Assert.All(dlrm.Workloads, w => Assert.NotNull(TestRegistries.Workloads.Find(w)!.UncalibratedTargetsAt("tiny"))); // not at tiny

        // -w replaces the plan's workloads, --preset its preset
        var tiny = new HarnessOptions { Plan = "dlrm", Workloads = [CriteoDlrmWorkloads.DlrmLayerNorm], Preset = "tiny" };
        SweepPlans.Apply(tiny, TestRegistries.Default);
        Assert.Equal([CriteoDlrmWorkloads.DlrmLayerNorm], tiny.Workloads);
        Assert.Equal("tiny", tiny.Preset);
    }

    [Fact]
    public void AnUnknownPlanIsAOneLineErrorListingEveryPlan()
    {
        string db = P("plan.db");
        var (code, output, err) = HostedCli.Run("sweep", "--plan", "dlrm-quick", "-w", "synthetic_regression", "-a", "adamw", "--db", db);
        Assert.Equal(2, code);
        Assert.Equal("error: invalid settings: Plan (--plan) 'dlrm-quick' is unknown; use one of quick, extended, smoke, full, dlrm", err.TrimEnd('\n'));
        Assert.DoesNotContain("run '", output);
        Assert.False(File.Exists(db));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    public void StudiesBelowOneAreAOneLineErrorBeforeAnythingRuns(string studies)
    {
        string db = P("studies.db");
        var (code, output, err) = HostedCli.Run("sweep", "--plan", "quick", "--studies", studies, "--db", db);
        Assert.Equal(2, code);
        Assert.Contains($"Studies (--studies) must be ≥ 1 (got {studies})", err);
        Assert.StartsWith("error: invalid settings:", err);
        Assert.DoesNotContain("run '", output);
        Assert.False(File.Exists(db), "nothing is recorded for refused settings");
    }

    [Fact]
    public void APlanOnlyFillsWhatWasNotGiven()
    {
        var o = new HarnessOptions { Plan = "smoke", Workloads = ["a"], Algorithms = ["adamw"], MaxRuntime = 2, Ruleset = "external", Label = "mine" };
        SweepPlans.Apply(o, TestRegistries.Default);
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
