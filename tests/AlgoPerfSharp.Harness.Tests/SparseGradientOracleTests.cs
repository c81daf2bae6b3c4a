using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Models.Dlrm;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The DLRM's tables produce sparse gradients; the step's oracle hands them over as they are only to algorithms that
/// accept them (<see cref="ITrainingAlgorithm.AcceptsSparseGradients"/>) and densifies them for everyone else.
/// </summary>
public sealed class SparseGradientOracleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-sparse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TableGradientsStaySparseOnlyWhenAcceptedAndDensifyToTheSameValues()
    {
        var config = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.Dlrm, Presets.Tiny);
        Assert.True(config.SparseGradients);
        var file = ClickLogFile.OpenOrWrite(Path.Combine(_dir, "log.bin"), new SyntheticClickLog(CriteoDlrmWorkloads.DataSeed, config.TableSizes), 512, 64, 64);
        using var workload = new ClickLogWorkload(CriteoDlrmWorkloads.Spec(CriteoDlrmWorkloads.Dlrm, Presets.Tiny), file, (seed, _) =>
        {
            using var g = new Generator(seed);
            return new DlrmSmall(config, g);
        });
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
}
