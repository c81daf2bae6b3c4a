using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Gate;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The gate's paired path on a deterministic clock (every step costs 1 s of a manual clock): real trials of a baseline
/// and of injected regressions go through the gate's interleaved runner, the sweep runner, the store and the paired
/// verdicts. Study s of both sides shares its seeds, so an unchanged algorithm reaches the target at the same step.
/// </summary>
public sealed class GateTests : ScratchFolder
{
    private const int Studies = 5;

    private static readonly Hyperparameters Tuned = new(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.0,
    });

    private static GatePlan Plan(string candidate = "candidate", int studies = Studies) => new("g", "adamw", candidate, Tuned, Tuned,
        [new GateWorkload("tiny_regression", new TrialRunnerOptions { MaxSteps = 400, StepHint = 400, EvalEverySteps = 5, StopAtTarget = false })], studies, 7);

    /// <summary>Runs the gate of adamw against <paramref name="candidate"/>; returns the verdicts and the run order (side, study).</summary>
    private (GateReport Report, List<(GateSide Side, int Study)> Order, GateRunSummary Summary) Gate(Func<ManualClock, ITrainingAlgorithm> candidate, GatePlan? plan = null)
    {
        plan ??= Plan();
        var clock = new ManualClock();
        using var store = ResultsStore.Open(P("gate.db"));
        GateRunner.CheckResume(store, plan);
        var algorithms = new Dictionary<GateSide, ITrainingAlgorithm> { [GateSide.Baseline] = new InjectedRegression(clock), [GateSide.Candidate] = candidate(clock) };
        var order = new List<(GateSide, int)>();
        var summary = GateRunner.Run(plan, (side, request) =>
        {
            order.Add((side, request.Studies - 1));
            return new SweepRunner(store, _ => new TinyWorkload(clock, target: 5e-3), _ => algorithms[side], new StringWriter(), clock).Run(request, "test", "{}");
        });
        return (GateReport.Compute(store, plan), order, summary);
    }

    private static GateRow Row(GateReport r) => Assert.Single(r.Rows);

    [Fact]
    public void AnIdenticalCandidateIsNoChangeOnAllFourFigures()
    {
        var (report, _, _) = Gate(c => new InjectedRegression(c));
        var row = Row(report);
        foreach (var (name, result) in row.Cells)
        {
            Assert.NotNull(result);
            Assert.Equal(ComparisonVerdict.NoChange, result.Verdict); // every study identical: ratio 1, interval [1, 1]
            Assert.Equal(Studies, result.ZeroDifferences);
        }

        Assert.False(report.HasRegression);
    }

    [Fact]
    public void AStepFifteenPercentSlowerIsFlaggedOnStepTimeAndTimeToTarget()
    {
        var (report, _, _) = Gate(c => new InjectedRegression(c, slowdown: 1.15));
        var row = Row(report);
        Assert.Equal(ComparisonVerdict.Regression, row.StepTime!.Verdict);
        Assert.Equal(1.15, row.StepTime.Ratio, 9);
        Assert.Equal(1.0 / 32, row.StepTime.PValueSlower, 12); // all five studies slower: 2⁻⁵
        // the same seeds give the same steps to the target: convergence is unchanged, exactly
        Assert.Equal(ComparisonVerdict.NoChange, row.StepsToTarget!.Verdict);
        Assert.Equal(Studies, row.StepsToTarget.ZeroDifferences);
        // so each study's time-to-target is 15 % longer — which the unpaired compare cannot resolve over five studies
        Assert.Equal(ComparisonVerdict.Regression, row.TimeToTarget!.Verdict);
        Assert.Equal(1.15, row.TimeToTarget.Ratio, 9);
        Assert.Equal(ComparisonVerdict.NoChange, row.FinalMetric!.Verdict); // the same 400 steps, the same model
        Assert.True(report.HasRegression);
    }

    [Fact]
    public void AHalvedLearningRateIsFlaggedOnConvergence()
    {
        var (report, _, _) = Gate(c => new InjectedRegression(c, learningRateFactor: 0.5));
        var row = Row(report);
        Assert.Equal(ComparisonVerdict.Regression, row.StepsToTarget!.Verdict);
        Assert.True(row.StepsToTarget.Ratio >= 1.05);
        Assert.Equal(ComparisonVerdict.Regression, row.FinalMetric!.Verdict); // a higher loss after the same 400 steps
        Assert.Equal(ComparisonVerdict.NoChange, row.StepTime!.Verdict); // every step still costs exactly 1 s
        Assert.True(report.HasRegression);
    }

    [Fact]
    public void DroppedMomentumIsFlaggedOnConvergence()
    {
        var (report, _, _) = Gate(c => new InjectedRegression(c, dropMomentum: true));
        var row = Row(report);
        Assert.Equal(ComparisonVerdict.Regression, row.StepsToTarget!.Verdict);
        Assert.True(row.StepsToTarget.Ratio >= 1.05);
        Assert.Equal(ComparisonVerdict.NoChange, row.StepTime!.Verdict);
    }

    [Fact]
    public void TrialsRunInterleavedPairsInAbbaOrderWithSharedSeedsAndResume()
    {
        var (_, order, summary) = Gate(c => new InjectedRegression(c), Plan(studies: 3));
        Assert.Equal(6, summary.Ran);
        GateSide b = GateSide.Baseline, c = GateSide.Candidate;
        Assert.Equal([(b, 0), (c, 0), (c, 1), (b, 1), (b, 2), (c, 2)], order);
        using (var store = ResultsStore.Open(P("gate.db"), create: false))
        {
            var bTrials = store.Trials(store.FindRun("g.baseline")!.Id);
            var cTrials = store.Trials(store.FindRun("g.candidate")!.Id);
            Assert.Equal(3, bTrials.Count);
            Assert.Equal(bTrials.Select(t => (t.Study, t.DataSeed, t.InitSeed)), cTrials.Select(t => (t.Study, t.DataSeed, t.InitSeed)));
            Assert.Equal(3, bTrials.Select(t => t.DataSeed).Distinct().Count()); // studies differ from each other
        }

        // re-running the same gate reuses every finished trial
        Assert.Equal(0, Gate(c2 => new InjectedRegression(c2), Plan(studies: 3)).Summary.Ran);
    }

    [Fact]
    public void AReusedLabelWithAnotherCandidateIsRefusedBeforeAnythingRuns()
    {
        Gate(c => new InjectedRegression(c), Plan(studies: 1));
        using var store = ResultsStore.Open(P("gate.db"), create: false);
        var e = Assert.Throws<ResultsStoreException>(() => GateRunner.CheckResume(store, Plan("other")));
        Assert.Contains("run 'g.candidate'", e.Message);
        Assert.Contains("holds trials of candidate, not other", e.Message);
        Assert.Contains("another --label", e.Message);
    }

    [Fact]
    public void APlanValidatesItsSettings()
    {
        Assert.Contains("--studies must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => Plan(studies: 0)).Message);
        Assert.Throws<ArgumentException>(() => new GatePlan("g", "adamw", "adamw", Tuned, Tuned, [], 5, 0));
        var w = new GateWorkload("x", new TrialRunnerOptions());
        Assert.Contains("named twice", Assert.Throws<ArgumentException>(() => new GatePlan("g", "adamw", "adamw", Tuned, Tuned, [w, w], 5, 0)).Message);
        Assert.Throws<ArgumentException>(() => new GatePlan(" ", "adamw", "adamw", Tuned, Tuned, [w], 5, 0));
    }
}
