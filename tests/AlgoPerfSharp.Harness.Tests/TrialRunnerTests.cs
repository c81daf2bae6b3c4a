using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class TrialRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-runner-").FullName;
    private readonly ResultsStore _store;
    private readonly StoredRun _run;

    public TrialRunnerTests()
    {
        _store = ResultsStore.Open(Path.Combine(_dir, "results.db"));
        _run = _store.CreateRun("test", "test", 1, "{}");
    }

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Hyperparameters Adam(double lr = 0.05) => new(new Dictionary<string, object>
    {
        ["learning_rate"] = lr, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.0,
    });

    private (long Id, TrialSpec Spec) Trial(TuningRuleset ruleset = TuningRuleset.ExternalTuning, Hyperparameters? h = null, int trial = 0)
    {
        var spec = new TrialSpec("tiny_regression", "scripted", ruleset, 0, trial, h ?? Adam(), 11, 12, 13,
            ruleset == TuningRuleset.SelfTuning ? SweepPlanner.SelfTuningBudgetMultiplier : 1.0);
        return (_store.EnsureTrial(_run.Id, spec).Id, spec);
    }

    [Fact]
    public void AStepHintOverrideIsWhatTheAlgorithmIsTold()
    {
        var seen = new List<long>();
        var (id, spec) = Trial();
        new TrialRunner(_store).Run(id, spec, new TinyWorkload(target: -1), new StepHintProbe(seen), new TrialRunnerOptions { MaxSteps = 2, StepHint = 12_345 });
        var (id2, spec2) = Trial(trial: 1);
        new TrialRunner(_store).Run(id2, spec2, new TinyWorkload(target: -1), new StepHintProbe(seen), new TrialRunnerOptions { MaxSteps = 2 });
        Assert.Equal(12_345, seen[0]);
        Assert.Equal(new TinyWorkload(target: -1).Spec.StepHint, seen[1]); // without the override: the workload's own
    }

    private sealed class StepHintProbe(List<long> seen) : ITrainingAlgorithm
    {
        private readonly AdamW _inner = new();

        public string Name => "scripted";

        public SearchSpace SearchSpace => _inner.SearchSpace;

        public Hyperparameters Defaults => _inner.Defaults;

        public ITrainingRun Init(AlgorithmInitContext context)
        {
            seen.Add(context.Workload.StepHint);
            return _inner.Init(context);
        }
    }

    [Fact]
    public void EvalTimeIsExcludedAndPrepareForEvalIsIncluded()
    {
        var clock = new ManualClock();
        var workload = new TinyWorkload(clock, target: -1, evalPeriod: 3); // unreachable target: run to the step cap
        var algorithm = new ScriptedAlgorithm(clock, prepareCost: 0.5);
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, workload, algorithm, new TrialRunnerOptions { MaxSteps = 7 });

        // Steps cost 1 s each; evals are due after step 1 and whenever 3 timed seconds passed since the last one;
        // each prepare-for-eval adds 0.5 s; each eval (validation + test) costs 200 s that must not count.
        var rows = _store.Evals(id);
        Assert.Equal([1L, 4L, 7L], rows.Select(r => r.Step));
        Assert.Equal([1.5, 5.0, 8.5], rows.Select(r => r.SubmissionSeconds));
        Assert.Equal([200.0, 400.0, 600.0], rows.Select(r => r.EvalSeconds));
        Assert.Equal(3, algorithm.PrepareCalls);
        Assert.Equal(TrialState.Completed, outcome.State);
        Assert.Equal(8.5, outcome.SubmissionSeconds);
        Assert.Equal(1.0, outcome.MedianStepSeconds);
        Assert.Contains("validation/loss", rows[0].Metrics.Keys);
        Assert.Contains("test/loss", rows[0].Metrics.Keys);
        Assert.Contains("learning_rate", rows[0].Diagnostics.Keys);
    }

    [Fact]
    public void TheBudgetIsCheckedAtEvalTimeAndEndsTheTrialWithoutAnEval()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1, maxRuntime: 5, evalPeriod: 3),
            new ScriptedAlgorithm(clock, prepareCost: 0.5), new TrialRunnerOptions());
        Assert.Equal([1L], _store.Evals(id).Select(r => r.Step)); // at step 4 the clock reads 5.0 ≥ 5: no eval
        Assert.Equal(TrialState.Completed, outcome.State);
        Assert.Equal(4, outcome.Steps);
        Assert.Null(outcome.TimeToTargetSeconds);
    }

    [Fact]
    public void SelfTuningGetsOneAndAHalfTimesTheBudget()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial(TuningRuleset.SelfTuning);
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1, maxRuntime: 4, evalPeriod: 1),
            new ScriptedAlgorithm(clock), new TrialRunnerOptions());
        Assert.Equal(6.0, outcome.SubmissionSeconds); // 4 × 1.5
        Assert.Equal(5, _store.Evals(id).Count);      // evals after steps 1..5; at step 6 the budget is spent
    }

    [Fact]
    public void ATrialStopsAtTheTargetAndRecordsTimeToTarget()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: 0.05, evalPeriod: 5),
            new ScriptedAlgorithm(clock), new TrialRunnerOptions { MaxSteps = 2000 });
        Assert.Equal(TrialState.Completed, outcome.State);
        var rows = _store.Evals(id);
        var last = rows[^1];
        Assert.True(last.Metrics["validation/loss"] <= 0.05);
        Assert.All(rows.SkipLast(1), r => Assert.True(r.Metrics["validation/loss"] > 0.05));
        Assert.Equal(last.SubmissionSeconds, outcome.TimeToTargetSeconds);
        Assert.True(outcome.Steps < 2000);
    }

    [Fact]
    public void ANaNLossEndsTheTrialAsDivergedKeepingEarlierRows()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1, evalPeriod: 2),
            new ScriptedAlgorithm(clock, nanAtStep: 5), new TrialRunnerOptions());
        Assert.Equal(TrialState.Diverged, outcome.State);
        Assert.Contains("training loss became NaN at step 6", outcome.Error);
        Assert.Equal(TrialState.Diverged, _store.Trials(_run.Id).Single(t => t.Id == id).State);
        Assert.Equal([1L, 3L, 5L], _store.Evals(id).Select(r => r.Step));
    }

    [Fact]
    public void AStoredPointWithAnUndeclaredKeyFailsBeforeTrainingInOneLine()
    {
        // ScriptedAlgorithm declares nothing itself: its declarations derive from its (AdamW's) defaults
        var clock = new ManualClock();
        var (id, spec) = Trial(h: Adam().With("beta1", 0.9));
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1), new ScriptedAlgorithm(clock), new TrialRunnerOptions { MaxSteps = 3 });
        Assert.Equal(TrialState.Failed, outcome.State);
        Assert.Equal("scripted has no hyperparameter 'beta1' (did you mean one_minus_beta1?); it declares " +
            "beta2, dropout_rate, epsilon, label_smoothing, learning_rate, one_minus_beta1, warmup_factor, weight_decay", outcome.Error);
        Assert.Equal(outcome.Error, _store.Trials(_run.Id).Single(t => t.Id == id).Error);

        // an ill-typed value of a harness key fails the same way; a valid one trains
        var (id2, spec2) = Trial(h: Adam().With("label_smoothing", "lots"), trial: 1);
        Assert.Equal("scripted: label_smoothing = \"lots\" must be a number in [0, 1]",
            new TrialRunner(_store, clock).Run(id2, spec2, new TinyWorkload(clock, target: -1), new ScriptedAlgorithm(clock), new TrialRunnerOptions { MaxSteps = 3 }).Error);
        var (id3, spec3) = Trial(h: Adam().With("label_smoothing", 0.1), trial: 2);
        Assert.Equal(TrialState.Completed, new TrialRunner(_store, clock).Run(id3, spec3, new TinyWorkload(clock, target: -1),
            new ScriptedAlgorithm(clock), new TrialRunnerOptions { MaxSteps = 3 }).State);
    }

    [Fact]
    public void APluginThatThrowsCostsOnlyItsTrial()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1),
            new ScriptedAlgorithm(clock, throwAtStep: 3), new TrialRunnerOptions());
        Assert.Equal(TrialState.Failed, outcome.State);
        Assert.Equal("scripted.Update threw InvalidOperationException at step 3: plugin bug", outcome.Error);
        var stored = _store.Trials(_run.Id).Single(t => t.Id == id);
        Assert.Equal(outcome.Error, stored.Error);

        // The next trial in the same process runs normally.
        var (id2, spec2) = Trial(trial: 1);
        Assert.Equal(TrialState.Completed, new TrialRunner(_store, clock).Run(id2, spec2, new TinyWorkload(clock, target: -1),
            new ScriptedAlgorithm(clock), new TrialRunnerOptions { MaxSteps = 3 }).State);
    }

    [Fact]
    public void InterruptThenResumeGivesTheSameEvalRowsAsAnUninterruptedRun()
    {
        var options = new TrialRunnerOptions { MaxSteps = 30, EvalEverySteps = 5, CheckpointDirectory = Path.Combine(_dir, "ckpt") };

        // Uninterrupted reference.
        var (refId, refSpec) = Trial(trial: 0);
        new TrialRunner(_store).Run(refId, refSpec, new TinyWorkload(target: -1), new AdamW(), options with { CheckpointDirectory = null });
        var expected = _store.Evals(refId);

        // Interrupted after the eval at step 10 (the progress callback cancels), then resumed.
        var (id, spec) = Trial(trial: 1);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Step == 10 && !double.IsNaN(p.LastTargetMetric)) cts.Cancel();
        });
        var first = new TrialRunner(_store, progress: progress).Run(id, spec with { Trial = 0 }, new TinyWorkload(target: -1), new AdamW(), options, cts.Token);
        Assert.Equal(TrialState.Interrupted, first.State);
        Assert.Equal([5L, 10L], _store.Evals(id).Select(r => r.Step));

        var second = new TrialRunner(_store).Run(id, spec with { Trial = 0 }, new TinyWorkload(target: -1), new AdamW(), options);
        Assert.Equal(TrialState.Completed, second.State);
        var got = _store.Evals(id);
        Assert.Equal(expected.Select(r => r.Step), got.Select(r => r.Step));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Metrics["validation/loss"], got[i].Metrics["validation/loss"]);
            Assert.Equal(expected[i].Metrics["train/loss"], got[i].Metrics["train/loss"]);
        }
    }

    [Fact]
    public void ACheckpointLeftByAnotherDatabaseIsNotResumed()
    {
        // A finished trial leaves its checkpoint; a new database at another path with the same trial key and the same
        // checkpoint folder must start that trial from step 0, not pick up the old counters and weights.
        var options = new TrialRunnerOptions { MaxSteps = 10, EvalEverySteps = 5, CheckpointDirectory = Path.Combine(_dir, "ckpt"), CheckpointIntervalSeconds = 0 };
        var (id, spec) = Trial();
        new TrialRunner(_store).Run(id, spec, new TinyWorkload(target: -1), new AdamW(), options);
        var expected = _store.Evals(id);
        Assert.True(TrialCheckpoint.Exists(TrialCheckpoint.Folder(options.CheckpointDirectory!, spec.Key)));

        using var other = ResultsStore.Open(Path.Combine(_dir, "other.db"));
        var run = other.CreateRun("test", "test", 1, "{}");
        long otherId = other.EnsureTrial(run.Id, spec).Id;
        var outcome = new TrialRunner(other).Run(otherId, spec, new TinyWorkload(target: -1), new AdamW(), options);
        Assert.Equal(TrialState.Completed, outcome.State);
        var got = other.Evals(otherId);
        Assert.Equal([5L, 10L], got.Select(r => r.Step));
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Metrics["validation/loss"], got[i].Metrics["validation/loss"]);
    }

    [Fact]
    public void DiagnosticsAreTimedLikePrepareForEval()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1), new ScriptedAlgorithm(clock, diagnosticsCost: 0.25),
            new TrialRunnerOptions { MaxSteps = 4, EvalEverySteps = 2 });
        // steps cost 1 s; each eval's Diagnostics() 0.25 s, counted: 2 + 0.25, then 2.25 + 2 + 0.25
        Assert.Equal([2.25, 4.5], _store.Evals(id).Select(r => r.SubmissionSeconds));
        Assert.Equal(4.5, outcome.SubmissionSeconds);
    }

    [Fact]
    public void UntimedSaveStateBeyondItsBoundFailsTheTrial()
    {
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1), new ScriptedAlgorithm(clock, saveStateCost: 3),
            new TrialRunnerOptions { MaxSteps = 20, EvalEverySteps = 5, CheckpointDirectory = Path.Combine(_dir, "ckpt") });
        // the bound is 5 s + 5% of the timed seconds: 3 ≤ 5.25 after the checkpoint at step 5, 6 > 5.5 after the one at step 10
        Assert.Equal(TrialState.Failed, outcome.State);
        Assert.Equal("scripted.SaveState/LoadState took 6.0 s untimed in total, above the bound of 5 s + 5% of the 10.0 s timed; keep training work in Update", outcome.Error);
        Assert.Equal([5L, 10L], _store.Evals(id).Select(r => r.Step));
    }

    [Theory]
    [InlineData(12, 1.5)]  // saves at the evals of steps 5 (t = 5, done at 5.5), 20 (t = 20.5, done at 21) and 35 (t = 35.5)
    [InlineData(0, 3.5)]   // at every eval but the last (steps 5 … 35: 7 saves)
    [InlineData(100, 0.5)] // the first eval's only
    public void CheckpointsAreWrittenAtTheFirstEvalTheirIntervalAfterThePreviousOne(double interval, double savingSeconds)
    {
        // steps cost 1 s of the manual clock, evals nothing, each SaveState 0.5 s (counted in the rows' logging seconds)
        var clock = new ManualClock();
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1) { EvalCost = 0 }, new ScriptedAlgorithm(clock, saveStateCost: 0.5),
            new TrialRunnerOptions { MaxSteps = 40, EvalEverySteps = 5, CheckpointDirectory = Path.Combine(_dir, "ckpt"), CheckpointIntervalSeconds = interval });
        Assert.Equal(TrialState.Completed, outcome.State);
        var rows = _store.Evals(id);
        Assert.Equal(8, rows.Count);
        Assert.Equal(savingSeconds, rows[^1].LoggingSeconds, 9);
        Assert.Equal(40 + savingSeconds, rows[^1].TotalSeconds, 9);
    }

    [Fact]
    public void ASaveStateThatThrowsFailsTheTrialNotTheProcess()
    {
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store).Run(id, spec, new TinyWorkload(target: -1), new ScriptedAlgorithm(saveStateThrows: true),
            new TrialRunnerOptions { MaxSteps = 20, EvalEverySteps = 5, CheckpointDirectory = Path.Combine(_dir, "ckpt"), CheckpointIntervalSeconds = 0 });
        Assert.Equal(TrialState.Failed, outcome.State);
        Assert.Equal("scripted.SaveState threw InvalidOperationException at step 5: state\uFFFD[31m cannot be saved", outcome.Error);
        Assert.Equal([5L], _store.Evals(id).Select(r => r.Step));
    }

    [Fact]
    public void MeasuringMemoryReportsTheResidentSetAndTheCheckpointStateAfterTheLastStep()
    {
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store).Run(id, spec, new TinyWorkload(target: -1), new ScriptedAlgorithm(),
            new TrialRunnerOptions { MaxSteps = 3, EvalEverySteps = 3, MeasureMemory = true });
        Assert.Equal(TrialState.Completed, outcome.State);
        var m = Assert.IsType<TrialMemory>(outcome.Memory);

        // AdamW on the tiny linear model's float32 weight and bias: m and v of each, 2·4·P bytes
        long p;
        using (var model = new TinyWorkload(target: -1).CreateModel(11)) p = model.Parameters.Sum(q => q.Parameter.NumElements);
        Assert.Equal(2 * 4 * p, m.StateBytes);
        Assert.Equal(4, m.StateTensors);
        Assert.True(m.ResidentBeforeInitBytes > 0 && m.ResidentAfterStepsBytes > 0, $"{m}");
        Assert.True(m.PeakResidentBytes >= m.ResidentAfterStepsBytes, $"{m}"); // the high-water mark is never below the current set

        // without the option nothing is measured (no SaveState at the last step)
        var (id2, spec2) = Trial(trial: 1);
        Assert.Null(new TrialRunner(_store).Run(id2, spec2, new TinyWorkload(target: -1), new ScriptedAlgorithm(), new TrialRunnerOptions { MaxSteps = 3 }).Memory);
    }

    [Fact]
    public void ASaveStateThatThrowsWhileMeasuringMemoryFailsTheTrialInOneLine()
    {
        var (id, spec) = Trial();
        var outcome = new TrialRunner(_store).Run(id, spec, new TinyWorkload(target: -1), new ScriptedAlgorithm(saveStateThrows: true),
            new TrialRunnerOptions { MaxSteps = 3, MeasureMemory = true });
        Assert.Equal(TrialState.Failed, outcome.State);
        Assert.Equal("scripted.SaveState threw InvalidOperationException while measuring memory: state\uFFFD[31m cannot be saved", outcome.Error);
        Assert.Null(outcome.Memory);
    }

    [Fact]
    public void ProcStatusGivesTheResidentSetAndItsPeakInBytes()
    {
        var m = ResidentMemory.Parse("Name:\talgoperf\nVmPeak:\t 9000 kB\nVmHWM:\t  812344 kB\nVmRSS:\t  700000 kB\nThreads:\t4\n");
        Assert.Equal(700000L * 1024, m.ResidentBytes);
        Assert.Equal(812344L * 1024, m.PeakBytes);
        Assert.Equal(new ResidentMemory(null, null), ResidentMemory.Parse("VmRSS:\t12 MB\nVmHWM:\tlots kB\n")); // other units or a malformed value: unknown
        var now = ResidentMemory.Read();
        if (OperatingSystem.IsLinux()) Assert.True(now.PeakBytes >= now.ResidentBytes && now.ResidentBytes > 0, $"{now}");
    }

    [Fact]
    public void AResumedTrialContinuesItsWallClockTotalAndTimedSeconds()
    {
        var options = new TrialRunnerOptions { MaxSteps = 20, EvalEverySteps = 5, CheckpointDirectory = Path.Combine(_dir, "ckpt") };
        var refClock = new ManualClock();
        var (refId, refSpec) = Trial(trial: 0);
        new TrialRunner(_store, refClock).Run(refId, refSpec, new TinyWorkload(refClock, target: -1), new ScriptedAlgorithm(refClock), options);
        var expected = _store.Evals(refId);

        var clock = new ManualClock();
        var (id, spec) = Trial(trial: 1);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Step == 10 && !double.IsNaN(p.LastTargetMetric)) cts.Cancel();
        });
        Assert.Equal(TrialState.Interrupted, new TrialRunner(_store, clock, progress).Run(id, spec, new TinyWorkload(clock, target: -1), new ScriptedAlgorithm(clock), options, cts.Token).State);
        clock.Advance(1000); // the pause before the re-run is nobody's time
        Assert.Equal(TrialState.Completed, new TrialRunner(_store, clock).Run(id, spec, new TinyWorkload(clock, target: -1), new ScriptedAlgorithm(clock), options).State);
        var got = _store.Evals(id);
        Assert.Equal([5L, 10L, 15L, 20L], got.Select(r => r.Step));
        Assert.Equal(expected.Select(r => r.TotalSeconds), got.Select(r => r.TotalSeconds));
        Assert.Equal(expected.Select(r => r.SubmissionSeconds), got.Select(r => r.SubmissionSeconds));
        Assert.Equal(expected.Select(r => r.EvalSeconds), got.Select(r => r.EvalSeconds));
    }

    [Fact]
    public void NoNativeTensorsLeakAcrossATrial()
    {
        var (id, spec) = Trial();
        new TrialRunner(_store).Run(id, spec, new TinyWorkload(target: -1), new AdamW(), new TrialRunnerOptions { MaxSteps = 3 });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = TorchRuntime.LiveTensors;
        var (id2, spec2) = Trial(trial: 1);
        new TrialRunner(_store).Run(id2, spec2, new TinyWorkload(target: -1), new AdamW(), new TrialRunnerOptions { MaxSteps = 50, EvalEverySteps = 10 });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(baseline, TorchRuntime.LiveTensors);
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrialProgress> report) : IProgress<TrialProgress>
    {
        public void Report(TrialProgress value) => report(value);
    }
}
