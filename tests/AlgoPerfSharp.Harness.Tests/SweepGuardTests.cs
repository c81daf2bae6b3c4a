using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// What a run/sweep refuses before it starts (oversized plans, misspelt search-space keys, Ctrl+C while preparing) and
/// what its exit code says afterwards (1 when trials failed or timed out, unless --allow-failures; diverged is a result).
/// </summary>
public sealed class SweepGuardTests : ScratchFolder
{
    private static string Bad(string name) => PluginPaths.Misbehaving + ":" + name;

    [Fact]
    public void EachTrialsDefaultWallClockLimitIsThreeTimesItsOwnBudgetPlusTwoMinutes()
    {
        // the quick DLRM's calibrated budget, self-tuning's × 1.5: 3 × 29.1 + 120 s (it used to be 24 h without --max-runtime)
        var dlrm = TestRegistries.Workloads.Spec(Workloads.Suite.CriteoDlrmWorkloads.Dlrm, "quick");
        var resnet = TestRegistries.Workloads.Spec("fashion_mnist_resnet", "quick");
        TrialSpec Trial(string w, double multiplier) => new(w, "adamw", TuningRuleset.SelfTuning, 0, 0, Hyperparameters.Empty, 1, 2, 3, multiplier);
        var sweep = SweepJob.TrialOptions(new HarnessOptions());
        Assert.Null(sweep.WallClockLimitSeconds);
        Assert.Equal((3 * dlrm.MaxRuntimeSeconds * 1.5) + 120, sweep.WallClockLimit(dlrm, Trial(dlrm.Name, 1.5)), 9);
        Assert.Equal((3 * resnet.MaxRuntimeSeconds) + 120, sweep.WallClockLimit(resnet, Trial(resnet.Name, 1.0)), 9);
        Assert.NotEqual(sweep.WallClockLimit(dlrm, Trial(dlrm.Name, 1.5)), sweep.WallClockLimit(resnet, Trial(resnet.Name, 1.5)));
        // --max-runtime replaces the spec's budget, --trial-timeout the whole limit
        Assert.Equal((3 * 10 * 1.5) + 120, SweepJob.TrialOptions(new HarnessOptions { MaxRuntime = 10 }).WallClockLimit(dlrm, Trial(dlrm.Name, 1.5)), 9);
        Assert.Equal(90, SweepJob.TrialOptions(new HarnessOptions { MaxRuntime = 10, TrialTimeout = 90 }).WallClockLimit(dlrm, Trial(dlrm.Name, 1.5)));
        // options built in code (tests, in-process callers) keep no limit unless they set one
        Assert.Equal(double.PositiveInfinity, new TrialRunnerOptions().WallClockLimit(dlrm, Trial(dlrm.Name, 1.5)));
    }

    [Fact]
    public void PlanSizesAreCountedWithoutBuildingThemAndSaturateInsteadOfOverflowing()
    {
        Assert.Equal(3 * 2 * 4 * 5, SweepPlanner.Count(3, 2, TuningRuleset.ExternalTuning, 4, 5));
        Assert.Equal(3 * 2 * 4, SweepPlanner.Count(3, 2, TuningRuleset.SelfTuning, 4, 5)); // one trial per study
        Assert.Equal(long.MaxValue, SweepPlanner.Count(int.MaxValue, int.MaxValue, TuningRuleset.ExternalTuning, int.MaxValue, int.MaxValue));
        SweepPlanner.CheckSize(1, 1, TuningRuleset.ExternalTuning, 20_000, 5); // exactly 100,000
        var e = Assert.Throws<ArgumentException>(() => SweepPlanner.CheckSize(1, 1, TuningRuleset.ExternalTuning, 20_000, 6));
        Assert.Contains("would plan 120000 trials (1 workloads × 1 algorithms × 20000 studies × 6 trials per study), more than the maximum of 100000", e.Message);
        Assert.Throws<ArgumentException>(() => SweepPlanner.Plan("w", new Optimizers.Algorithms.AdamW(), "adamw", TuningRuleset.SelfTuning, 100_001, 1, 0));
    }

    [Theory]
    [InlineData("self", "2000000000", "1", "would plan 2000000000 trials (1 workloads × 1 algorithms × 2000000000 studies × 1 trial per study (self-tuning))")]
    [InlineData("external", "2000000000", "2000000000", "would plan 4000000000000000000 trials")]
    [InlineData("external", "1", "100001", "would plan 100001 trials")]
    public void AnOversizedSweepIsOneLineAndExit2BeforeAnythingIsPlannedOrRecorded(string ruleset, string studies, string trials, string expected)
    {
        var (code, output, err) = HostedCli.Run("sweep", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", ruleset,
            "--studies", studies, "--trials", trials, "--db", P("big.db"));
        Assert.True(code == 2, output + err);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: invalid settings: Studies × Trials (--studies, --trials): the sweep ", line);
        Assert.Contains(expected, line);
        Assert.Contains("lower --studies or --trials", line);
        Assert.False(File.Exists(P("big.db")));
    }

    [Fact]
    public void CtrlCBeforeTheTrialsStartIsExit130WithNothingRecorded()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (code, output, err) = HostedCli.Run(cts.Token, "sweep", "-w", "synthetic_regression", "-a", "adamw", "--studies", "3", "--db", P("c.db"));
        Assert.True(code == 130, output + err);
        Assert.StartsWith("interrupted; re-run the same command", output);
        Assert.False(File.Exists(P("c.db")));

        // the same while a plugin is being probed: the probe is killed
        var (code2, output2, err2) = HostedCli.Run(cts.Token, "sweep", "-w", "synthetic_regression", "-a", PluginPaths.Lion, "--db", P("c.db"));
        Assert.True(code2 == 130, output2 + err2);
        Assert.False(File.Exists(P("c.db")));
    }

    [Fact]
    public void FailedTrialsMakeTheSweepExit1UnlessFailuresAreAllowedAndDivergedTrialsDoNot()
    {
        string db = P("f.db");
        string[] crash = ["run", "-w", "synthetic_regression", "-a", Bad("crash"), "--ruleset", "self", "--max-steps", "40", "--eval-every-steps", "20", "--db", db];
        var (code, output, err) = HostedCli.Run(crash);
        Assert.True(code == 1, output + err);
        var (trial, _) = Assert.Single(HostedCli.Trials(db, "run"));
        Assert.Equal(TrialState.Failed, trial.State);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: 1 of 1 trials failed or timed out ({trial.Key} failed); their errors are in {db} (algoperf report) and the log; " +
            "fix and re-run with another --label, or pass --allow-failures to exit 0", line);

        // the re-run skips the failed trial (finished) and still says so; --allow-failures opts out
        Assert.Equal(1, HostedCli.Run(crash).Code);
        var allowed = HostedCli.Run([.. crash, "--allow-failures"]);
        Assert.True(allowed.Code == 0, allowed.Out + allowed.Err);
        Assert.Equal(string.Empty, allowed.Err);

        // a NaN loss is the algorithm's result, not a failure of the harness
        var (nanCode, nanOut, nanErr) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", Bad("nan"), "--ruleset", "self", "--max-steps", "40",
            "--eval-every-steps", "20", "--db", P("nan.db"), "--in-process");
        Assert.True(nanCode == 0, nanOut + nanErr);
        Assert.Equal(TrialState.Diverged, Assert.Single(HostedCli.Trials(P("nan.db"), "run")).Trial.State);
        Assert.Equal([TrialState.Failed, TrialState.TimedOut], SweepJob.FailureStates.Order());
    }

    [Fact]
    public void AMisspeltSearchSpaceKeyIsRefusedNamingTheKnownOnes()
    {
        File.WriteAllText(P("space.json"), """{"learning_rate": {"min": 1e-4, "max": 1e-2, "scaling": "log"}, "weight_decy": {"feasible_points": [0.1]}}""");
        var (code, output, err) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", "adamw", "--search-space", P("space.json"),
            "--max-steps", "4", "--db", P("s.db"), "--in-process");
        Assert.True(code == 2, output + err);
        Assert.Equal("error: --search-space: adamw has no hyperparameter 'weight_decy' (did you mean weight_decay?); it declares " +
            "beta2, dropout_rate, epsilon, grad_clip, label_smoothing, learning_rate, lr_schedule, one_minus_beta1, warmup_factor, weight_decay",
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(P("s.db")));

        // fixed lists too, and a plugin's keys come from its probe; Lion reads one_minus_beta1 only, so beta1 is unknown
        File.WriteAllText(P("points.json"), """[{"learning_rate": 0.001, "beta1": 0.9}]""");
        var (code2, _, err2) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", PluginPaths.Lion, "--search-space", P("points.json"),
            "--max-steps", "4", "--db", P("s.db"));
        Assert.Equal(2, code2);
        Assert.Contains("--search-space: " + PluginPaths.Lion + " has no hyperparameter 'beta1' (did you mean one_minus_beta1?); it declares " +
            "beta2, dropout_rate, grad_clip, label_smoothing, learning_rate, lr_schedule, one_minus_beta1, warmup_factor, weight_decay", err2);
        Assert.False(File.Exists(P("s.db")));
    }

    [Theory]
    [InlineData("""{"beta1": {"feasible_points": [0.9]}}""",
        "error: --search-space: adamw has no hyperparameter 'beta1' (did you mean one_minus_beta1?); it declares beta2, dropout_rate, epsilon, " +
        "grad_clip, label_smoothing, learning_rate, lr_schedule, one_minus_beta1, warmup_factor, weight_decay")]
    [InlineData("""[{"learning_rate": "fast"}]""", "error: --search-space: adamw: learning_rate = \"fast\" must be a number in [0, inf]")]
    [InlineData("""{"one_minus_beta1": {"feasible_points": [1.5]}}""", "error: --search-space: adamw: one_minus_beta1 = 1.5 must be a number in [0, 1]")]
    [InlineData("""{"lr_schedule": {"min": 0, "max": 1}}""", "error: --search-space: adamw: lr_schedule is choice (warmup_cosine|constant); give it feasible_points, not min/max")]
    public void AnUndeclaredIllTypedOrOutOfRangeSearchSpaceIsOneLineAndRecordsNothing(string json, string message)
    {
        File.WriteAllText(P("bad.json"), json);
        var (code, output, err) = HostedCli.Run("sweep", "-w", "synthetic_regression", "-a", "adamw", "--search-space", P("bad.json"),
            "--max-steps", "4", "--db", P("bad.db"), "--in-process");
        Assert.True(code == 2, output + err);
        Assert.Equal(message, Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(P("bad.db")));
    }

    [Fact]
    public void EveryBuiltInsOwnSearchSpaceAndTheEngineAndWorkloadKeysPassTheKeyCheck()
    {
        foreach (var a in TestRegistries.Algorithms.BuiltIns)
        {
            SweepJob.CheckSearchSpaceKeys(a.SearchSpace, new Dictionary<string, ITrainingAlgorithm> { [a.Name] = a });
        }

        // decay rates have one name each: adamw declares one_minus_beta1 and beta2, so beta1 and one_minus_beta2 are refused
        var adamw = new Dictionary<string, ITrainingAlgorithm> { ["adamw"] = new Optimizers.Algorithms.AdamW() };
        Assert.Contains("(did you mean one_minus_beta1?)", Assert.Throws<SearchSpaceException>(() =>
            SweepJob.CheckSearchSpaceKeys(SearchSpace.Parse("""{"beta1": {"feasible_points": [0.9]}}"""), adamw)).Message);
        Assert.Contains("(did you mean beta2?)", Assert.Throws<SearchSpaceException>(() =>
            SweepJob.CheckSearchSpaceKeys(SearchSpace.Parse("""{"one_minus_beta2": {"feasible_points": [0.001]}}"""), adamw)).Message);

        // the engine's grad_clip and lr_schedule and the harness's label_smoothing and dropout_rate are declared for every built-in
        SweepJob.CheckSearchSpaceKeys(SearchSpace.Parse("""
            {"grad_clip": {"feasible_points": [1.0]}, "lr_schedule": {"feasible_points": ["constant"]},
             "label_smoothing": {"feasible_points": [0.1]}, "dropout_rate": {"min": 0, "max": 0.1}}
            """), adamw);
        Assert.Throws<SearchSpaceException>(() => SweepJob.CheckSearchSpaceKeys(SearchSpace.Parse("""{"grad_clp": {"feasible_points": [1.0]}}"""), adamw));
    }
}
