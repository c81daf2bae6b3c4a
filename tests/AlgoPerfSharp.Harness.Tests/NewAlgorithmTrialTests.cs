using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Scoring;
using Microsoft.Data.Sqlite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The issue-14 algorithms in real trials on the tiny regression workload: what progressive-batching L-BFGS spends
/// and how its sample grows, and the one-line failures for bad input (a sample past the harness's per-step limit,
/// Sophia-G on a loss it cannot sample).
/// </summary>
public sealed class NewAlgorithmTrialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-new-algos-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static TrialSpec Spec(string algorithm, int trial, Dictionary<string, object> point) =>
        new("tiny_regression", algorithm, TuningRuleset.ExternalTuning, 0, trial, new Hyperparameters(point), 1, 2, 3, 1.0);

    [Fact]
    public void ProgressiveBatchingLbfgsRecordsItsSampleAndSpendingAndFailsPastTheStepLimitWithTheOraclesMessage()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "r.db"));
        var run = store.CreateRun("t", "t", 1, "{}");
        var algorithm = new ProgressiveBatchingLbfgs();

        // 2 initial batches of 16: every step holds 32 examples, two gradient passes and ≥ 1 loss pass
        var ok = Spec("pb_lbfgs", 0, new() { ["initial_batches"] = 2.0, ["max_batches"] = 2.0 });
        long id = store.EnsureTrial(run.Id, ok).Id;
        var done = new TrialRunner(store).Run(id, ok, new TinyWorkload(target: -1), algorithm, new TrialRunnerOptions { MaxSteps = 6, EvalEverySteps = 3 });
        Assert.Equal(TrialState.Completed, done.State);
        var rows = store.Evals(id).Where(r => r.Diagnostics.ContainsKey("oracle/examples")).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(32.0, r.Diagnostics["oracle/examples"]));
        Assert.All(rows, r => Assert.Equal(2.0, r.Diagnostics["oracle/gradient_evaluations"]));
        Assert.All(rows, r => Assert.True(r.Diagnostics["oracle/loss_evaluations"] >= 1));
        Assert.All(rows, r => Assert.Equal(32.0, r.Diagnostics["lbfgs/sample_examples"]));

        // a first sample of 65 batches is past the harness's 64 per step: the trial fails with the oracle's one line
        var tooBig = Spec("pb_lbfgs", 1, new() { ["initial_batches"] = 65.0, ["max_batches"] = 65.0 });
        long id2 = store.EnsureTrial(run.Id, tooBig).Id;
        var failed = new TrialRunner(store).Run(id2, tooBig, new TinyWorkload(target: -1), algorithm, new TrialRunnerOptions { MaxSteps = 4 });
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Equal("pb_lbfgs.Update threw ArgumentOutOfRangeException at step 0: a step may draw 1 or more batches, up to 64 in all (it holds 1); got 64 (Parameter 'batches') Actual value was 64.", failed.Error);

        // a sample that could outgrow one epoch is refused before training
        var epoch = Spec("pb_lbfgs", 2, new() { ["max_batches"] = 100_000.0 });
        long id3 = store.EnsureTrial(run.Id, epoch).Id;
        var refused = new TrialRunner(store).Run(id3, epoch, new TinyWorkload(target: -1), algorithm, new TrialRunnerOptions { MaxSteps = 4 });
        Assert.Equal(TrialState.Failed, refused.State);
        Assert.Contains("pb_lbfgs.Init threw ArgumentException: pb_lbfgs: max_batches = 100000 lets a step's sample reach 1600000 examples, past one epoch of tiny_regression (1000000); set max_batches ≤ 62500", refused.Error);
    }

    [Fact]
    public void SophiaOnARegressionWorkloadFailsAtInitNamingTheLoss()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "s.db"));
        var run = store.CreateRun("t", "t", 1, "{}");
        var spec = Spec("sophia_g", 0, []);
        long id = store.EnsureTrial(run.Id, spec).Id;
        var failed = new TrialRunner(store).Run(id, spec, new TinyWorkload(target: -1), new SophiaG(), new TrialRunnerOptions { MaxSteps = 2 });
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Contains("which needs a cross-entropy loss; workload tiny_regression minimises MeanSquaredError", failed.Error);
    }

    [Fact]
    public void SophiaHSpendsOneHessianVectorProductEveryKStepsAndFailsAtInitWithoutThem()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "h.db"));
        var run = store.CreateRun("t", "t", 1, "{}");
        var ok = Spec("sophia_h", 0, new() { ["hessian_update_interval"] = 2.0, ["learning_rate"] = 0.05, ["lr_schedule"] = "constant" });
        long id = store.EnsureTrial(run.Id, ok).Id;
        var done = new TrialRunner(store).Run(id, ok, new TinyWorkload(target: -1) { TwiceDifferentiable = true }, new SophiaH(), new TrialRunnerOptions { MaxSteps = 8, EvalEverySteps = 4 });
        Assert.Equal(TrialState.Completed, done.State);
        var rows = store.Evals(id);
        Assert.Equal([4L, 8L], rows.Select(r => r.Step));
        Assert.All(rows, r => Assert.Equal(0.5, r.Diagnostics["oracle/hessian_vector_products"]));
        Assert.Equal(4.0, rows[^1].Diagnostics["sophia/hessian_updates"]);
        Assert.True(rows[^1].Metrics["validation/loss"] < rows[0].Metrics["validation/loss"]);

        var without = Spec("sophia_h", 1, []);
        long id2 = store.EnsureTrial(run.Id, without).Id;
        var failed = new TrialRunner(store).Run(id2, without, new TinyWorkload(target: -1), new SophiaH(), new TrialRunnerOptions { MaxSteps = 2 });
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Equal("sophia_h.Init threw ArgumentException: sophia_h estimates the Hessian's diagonal from Hessian–vector products, which workload tiny_regression does not offer (its graph is not declared twice differentiable): pick another algorithm for it", failed.Error);
    }
}
