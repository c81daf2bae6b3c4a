using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Sparse;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Models.Dlrm;
using AlgoPerfSharp.Workloads.Suite;
using Microsoft.Data.Sqlite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The DLRM's tables produce sparse gradients; the step's oracle hands them over as they are only to algorithms that
/// accept them (<see cref="ITrainingAlgorithm.AcceptsSparseGradients"/>) and densifies them for everyone else.
/// </summary>
public sealed class SparseGradientOracleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-sparse-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    // The tiny DLRM over a 512/64/64 synthetic log written once into the test's folder (a second open reuses it).
    private ClickLogWorkload SmallWorkload()
    {
        var config = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.Dlrm, Presets.Tiny);
        var file = ClickLogFile.OpenOrWrite(Path.Combine(_dir, "log.bin"), new SyntheticClickLog(CriteoDlrmWorkloads.DataSeed, config.TableSizes), 512, 64, 64);
        return new ClickLogWorkload(CriteoDlrmWorkloads.Spec(CriteoDlrmWorkloads.Dlrm, Presets.Tiny), file, (seed, _) =>
        {
            using var g = new Generator(seed);
            return new DlrmSmall(config, g);
        });
    }

    [Fact]
    public void TableGradientsStaySparseOnlyWhenAcceptedAndDensifyToTheSameValues()
    {
        var config = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.Dlrm, Presets.Tiny);
        Assert.True(config.SparseGradients);
        using var workload = SmallWorkload();
        using var model = workload.CreateModel(3);
        using var stream = workload.TrainBatches(1, 32);
        using var scope = new DisposeScope();
        var batch = stream.Next();
        var tables = model.Parameters.Where(p => p.Type == ParameterType.Embedding).ToList();
        Assert.Equal(26, tables.Count);

        double kept = new StepOracle(workload, model, stream, batch, 0, sparseGradients: true).LossAndGradients();
        Assert.All(tables, p => Assert.True(p.Parameter.Grad!.IsSparse, p.Name));
        Assert.All(model.Parameters.Except(tables), p => Assert.False(p.Parameter.Grad!.IsSparse, p.Name));
        var sparse = tables.Select(p => p.Parameter.Grad!.ToDense().ToArray<float>()).ToList();

        double densified = new StepOracle(workload, model, stream, batch, 0).LossAndGradients();
        Assert.Equal(kept, densified);
        for (int i = 0; i < tables.Count; i++)
        {
            var grad = tables[i].Parameter.Grad!;
            Assert.False(grad.IsSparse);
            Assert.Equal(sparse[i], grad.ToArray<float>());
        }

        // at most 32 rows of a table are looked up in the batch; every other row's gradient is exactly zero
        var counts = sparse.Select(g => g.Chunk(config.EmbedDim).Count(row => row.Any(v => v != 0))).ToList();
        Assert.All(counts, c => Assert.InRange(c, 1, 32));

        // sub-batch gradients are dense even for an algorithm that accepts sparse ones
        var parts = new StepOracle(workload, model, stream, batch, 0, sparseGradients: true).SubBatchGradients(2);
        Assert.All(parts.SelectMany(p => p.Gradients), g => Assert.False(g.IsSparse));
        Assert.All(tables, p => Assert.False(p.Parameter.Grad!.IsSparse));
    }

    [Fact]
    public void ATrialHandsSparseGradientsOnlyToAnAlgorithmThatAcceptsThem()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "results.db"));
        var run = store.CreateRun("test", "test", 1, "{}");
        var adam = new Hyperparameters(new Dictionary<string, object>
        {
            ["learning_rate"] = 1e-3, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.0,
        });
        TrialOutcome Trial(int index, ITrainingAlgorithm algorithm)
        {
            var spec = new TrialSpec(CriteoDlrmWorkloads.Dlrm, "scripted", TuningRuleset.ExternalTuning, 0, index, adam, 11, 12, 13, 1.0);
            using var workload = SmallWorkload();
            return new TrialRunner(store).Run(store.EnsureTrial(run.Id, spec).Id, spec, workload, algorithm, new TrialRunnerOptions { MaxSteps = 2 });
        }

        var seen = new List<bool>();
        var probe = Trial(0, new SparseProbe(seen));
        Assert.True(probe.State == TrialState.Completed, probe.Error);
        Assert.Equal(2 * 26, seen.Count); // 26 tables × 2 steps
        Assert.DoesNotContain(false, seen);

        var adamw = Trial(1, new AdamW()); // a built-in: dense gradients, or its foreach kernels would fail on the tables
        Assert.True(adamw.State == TrialState.Completed, adamw.Error);
        Assert.Equal(2, adamw.Steps);
    }

    // Records whether each table's gradient arrived sparse, then steps: row-sparse SGD on the tables, plain SGD elsewhere.
    private sealed class SparseProbe(List<bool> seen) : ITrainingAlgorithm
    {
        private readonly AdamW _inner = new();

        public string Name => "scripted";

        public SearchSpace SearchSpace => _inner.SearchSpace;

        public Hyperparameters Defaults => _inner.Defaults;

        public bool AcceptsSparseGradients => true;

        public ITrainingRun Init(AlgorithmInitContext context) => new Run(seen);

        private sealed class Run(List<bool> seen) : ITrainingRun
        {
            public double Update(StepContext step)
            {
                double loss = step.ComputeLossAndGradients();
                foreach (var p in step.Parameters)
                {
                    using var g = p.Tensor.Grad;
                    if (g is null) continue;
                    if (p.Type == ParameterType.Embedding) seen.Add(g.IsSparse);
                    if (g.IsSparse)
                    {
                        RowSparseSteps.Sgd(p.Tensor, g, 0.01);
                    }
                    else
                    {
                        using var noGrad = Autograd.NoGrad();
                        p.Tensor.AddInPlace(g, -0.01);
                    }
                }

                return loss;
            }

            public AlgorithmState SaveState() => new();

            public void LoadState(AlgorithmState state)
            {
            }

            public void Dispose()
            {
            }
        }
    }
}
