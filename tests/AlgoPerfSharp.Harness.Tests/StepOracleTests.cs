using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using Microsoft.Data.Sqlite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>The step's oracle (issue 14): sub-batch gradients, loss only, own targets, more data, and their errors.</summary>
public sealed class StepOracleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-oracle-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static float[][] Grads(WorkloadModel model) => [.. model.Parameters.Select(p => p.Parameter.Grad!.ToArray<float>())];

    private static void AssertClose(float[][] expected, float[][] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = expected[i].Max(v => Math.Abs((double)v)) + 1e-12;
            double worst = expected[i].Zip(actual[i], (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(worst <= relative * scale, $"parameter {i}: max difference {worst:G3} vs scale {scale:G3}");
        }
    }

    [Theory]
    [InlineData("fashion_mnist_vit", 4)]
    [InlineData("sotu_llama", 3)]
    public void TheGroupsAverageIsTheFullBatchGradientAndEachGroupIsItsOwnMeanLoss(string name, int groups)
    {
        using var workload = TestRegistries.Workloads.Create(name, "tiny");
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 12);
        using var scope = new DisposeScope();
        var batch = stream.Next();
        var oracle = new StepOracle(workload, model, stream, batch, 0);

        double full = oracle.LossAndGradients();
        var expected = Grads(model);
        var parts = oracle.SubBatchGradients(groups);

        Assert.Equal(groups, parts.Count);
        Assert.Equal(12, parts.Sum(p => p.Examples));
        Assert.Equal(full, parts.Sum(p => p.Loss * p.Examples) / 12, 5);
        AssertClose(expected, Grads(model), 1e-4);  // Grad afterwards: the example-weighted average = the full-batch gradient
        // each group is its own mean loss, not a share of the full one: recompute group 0 alone
        using var first = new DisposeScope();
        var alone = new StepOracle(workload, model, stream, batch.Slice(0, parts[0].Examples), 0);
        Assert.Equal(alone.LossAndGradients(), parts[0].Loss, 5);
        AssertClose(Grads(model), [.. parts[0].Gradients.Select(g => g.ToArray<float>())], 1e-5);
    }

    [Fact]
    public void LossOnlyMatchesTheGradientPassAndLeavesGradsAlone()
    {
        using var workload = TestRegistries.Workloads.Create("sotu_llama", "tiny");
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 8);
        using var scope = new DisposeScope();
        var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);
        double withGrads = oracle.LossAndGradients();
        var grads = Grads(model);
        Assert.Equal(withGrads, oracle.Loss(), 5);
        AssertClose(grads, Grads(model), 0);
    }

    [Fact]
    public void OwnTargetsEqualToTheBatchsReproduceTheLossAndOtherTargetsChangeIt()
    {
        using var workload = TestRegistries.Workloads.Create("fashion_mnist_vit", "tiny");
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 8);
        using var scope = new DisposeScope();
        var batch = stream.Next();
        var oracle = new StepOracle(workload, model, stream, batch, 0);
        double plain = oracle.LossAndGradients();
        var grads = Grads(model);

        Assert.Equal(plain, oracle.LossAndGradientsForTargets(_ => batch.Targets), 6);
        AssertClose(grads, Grads(model), 1e-6);
        // the model's own most likely labels: a lower loss than the true labels' for an untrained model
        double argmax = oracle.LossAndGradientsForTargets(outputs => outputs.ArgMax(1));
        Assert.True(argmax < plain, $"argmax-label loss {argmax} vs true-label loss {plain}");

        var e = Assert.Throws<ArgumentException>(() => oracle.LossAndGradientsForTargets(outputs => outputs));
        Assert.StartsWith("the targets returned must have the batch targets' shape [8]", e.Message);
    }

    [Fact]
    public void MoreDataExtendsTheStepAndAdvancesTheStream()
    {
        using var workload = TestRegistries.Workloads.Create("sotu_llama", "tiny");
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 4);
        using var scope = new DisposeScope();
        var first = stream.Next();
        var oracle = new StepOracle(workload, model, stream, first, 0);
        Assert.Equal(4, oracle.Examples);
        Assert.Equal(8, oracle.DrawMoreData(1));
        Assert.Equal(2, stream.NextIndex); // the next step starts after the batch drawn

        double both = oracle.LossAndGradients();
        var grads = Grads(model);
        using var replay = workload.TrainBatches(3, 4);
        var a = new StepOracle(workload, model, replay, replay.Next(), 0);
        double la = a.LossAndGradients();
        var ga = Grads(model);
        var b = new StepOracle(workload, model, replay, replay.Next(), 0);
        double lb = b.LossAndGradients();
        var gb = Grads(model);
        Assert.Equal((la + lb) / 2, both, 5);
        AssertClose([.. ga.Zip(gb, (x, y) => x.Zip(y, (u, v) => (u + v) / 2).ToArray())], grads, 1e-4);
    }

    [Fact]
    public void AWorkloadWithoutOutputsRefusesOwnTargetsByName()
    {
        var workload = new TinyWorkload();
        using var model = workload.CreateModel(1);
        using var stream = workload.TrainBatches(1, 4);
        using var scope = new DisposeScope();
        var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);
        var e = Assert.Throws<NotSupportedException>(() => oracle.LossAndGradientsForTargets(o => o));
        Assert.Equal("workload tiny_regression does not expose its outputs, so it offers no loss over other targets", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void GroupsOutsideOneToTheBatchAreRefusedWithTheCause(int groups)
    {
        using var workload = TestRegistries.Workloads.Create("sotu_llama", "tiny");
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 4);
        using var scope = new DisposeScope();
        var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => oracle.SubBatchGradients(groups));
        Assert.Contains($"sub-batch gradients need 1 ≤ groups ≤ the examples of a batch (4); got {groups}", e.Message);
        var d = Assert.Throws<ArgumentOutOfRangeException>(() => oracle.DrawMoreData(StepOracle.MaxBatchesPerStep));
        Assert.Contains($"up to {StepOracle.MaxBatchesPerStep} in all (it holds 1)", d.Message);
    }

    [Fact]
    public void ATrialRecordsWhatEachStepSpentAndFailsWithTheOraclesMessage()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "r.db"));
        var run = store.CreateRun("t", "t", 1, "{}");
        TrialSpec Spec(string algorithm) => new("tiny_regression", algorithm, TuningRuleset.ExternalTuning, 0, 0, new AdamW().Defaults, 1, 2, 3, 1.0);

        var greedy = Spec("greedy");
        long id = store.EnsureTrial(run.Id, greedy).Id;
        var ok = new TrialRunner(store).Run(id, greedy, new TinyWorkload(target: -1), new Greedy(groups: 2), new TrialRunnerOptions { MaxSteps = 4, EvalEverySteps = 2 });
        Assert.Equal(TrialState.Completed, ok.State);
        var rows = store.Evals(id);
        Assert.All(rows, r => Assert.Equal(2.0, r.Diagnostics["oracle/gradient_evaluations"])); // a full pass and a sub-batch pass
        Assert.All(rows, r => Assert.Equal(1.0, r.Diagnostics["oracle/loss_evaluations"]));
        Assert.All(rows, r => Assert.Equal(32.0, r.Diagnostics["oracle/examples"]));        // its batch of 16 and one drawn

        var broken = Spec("greedy") with { Trial = 1 };
        long id2 = store.EnsureTrial(run.Id, broken).Id;
        var failed = new TrialRunner(store).Run(id2, broken, new TinyWorkload(target: -1), new Greedy(groups: 10_000), new TrialRunnerOptions { MaxSteps = 4 });
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Contains("greedy.Update threw ArgumentOutOfRangeException at step 0: sub-batch gradients need 1 ≤ groups ≤ the examples of a batch", failed.Error);
    }

    // Draws one more batch, computes a full pass, a loss-only pass and a sub-batch pass, then steps AdamW.
    private sealed class Greedy(int groups) : ITrainingAlgorithm
    {
        private readonly AdamW _inner = new();

        public string Name => "greedy";

        public SearchSpace SearchSpace => _inner.SearchSpace;

        public Hyperparameters Defaults => _inner.Defaults;

        public ITrainingRun Init(AlgorithmInitContext context) => new BeforeEachUpdateRun(_inner.Init(context), step =>
        {
            step.DrawMoreData(1);
            step.ComputeLoss();
            step.ComputeSubBatchGradients(groups);
        });
    }
}
