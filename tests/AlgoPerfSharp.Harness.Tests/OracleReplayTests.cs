using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Conformance;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Serialization;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The conformance replay's oracle extension (used by <c>benchmarks --compare-pytorch --check</c> for algorithms that ask
/// the step for more than the gradient): a trajectory's <c>oracle/</c> tensors are read, each replayed step gets the
/// oracle the <see cref="ReplayOracle"/> builds, and the algorithm is told the given workload.
/// </summary>
public sealed class OracleReplayTests : ScratchFolder
{
    // One parameter w (3 values), two steps. The algorithm takes w ← w − s·g with s = the oracle's line-search loss
    // (here the recorded oracle/STEP/scale/w[0]) and g = the recorded gradient: w1 = w0 − 1·g0, w2 = w1 − 2·g1.
    private static readonly float[] W0 = [1, 2, 3];
    private static readonly float[][] G = [[0.5f, -1, 2], [1, 1, 1]];
    private static readonly float[][] Expected = [[0.5f, 3, 1], [-1.5f, 1, -1]];

    private string Record()
    {
        string dir = P("trajectory");
        Directory.CreateDirectory(dir);
        var t32 = new Dictionary<string, Tensor> { ["initial/w"] = Tensor.From<float>(W0, [3]) };
        var t64 = new Dictionary<string, Tensor>();
        for (int s = 0; s < 2; s++)
        {
            t32[$"grad/{s:D4}/w"] = Tensor.From<float>(G[s], [3]);
            t32[$"param/{s:D4}/w"] = Tensor.From<float>(Expected[s], [3]);
            t32[$"oracle/{s:D4}/scale/w"] = Tensor.From<float>([s + 1, 0, 0], [3]);
            t64[$"param/{s:D4}/w"] = Tensor.From<double>(Expected[s].Select(x => (double)x).ToArray(), [3]);
        }

        SafeTensors.Save(Path.Combine(dir, "float32.safetensors"), t32);
        SafeTensors.Save(Path.Combine(dir, "float64.safetensors"), t64);
        foreach (var t in t32.Values.Concat(t64.Values)) t.Dispose();
        File.WriteAllText(Path.Combine(dir, "trajectory.json"), """
            {"format": "algoperf-trajectory/1", "optimizer": "test.ScaledSgd", "steps": 2,
             "parameters": [{"name": "w", "shape": [3], "type": "Weight"}],
             "float32": "float32.safetensors", "float64": "float64.safetensors"}
            """);
        return dir;
    }

    [Fact]
    public void OracleTensorsAreReadBesideTheOrdinaryOnes()
    {
        var t = Trajectory.Load(Record());
        Assert.Equal(["oracle/0000/scale/w", "oracle/0001/scale/w"], t.OracleTensors.Keys.Order());
        Assert.Equal([2.0, 0, 0], t.OracleTensors["oracle/0001/scale/w"]);
        Assert.Equal([0.5, -1, 2], t.Gradients[0][0]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EachStepIsServedByItsOracleAndTheAlgorithmSeesTheGivenWorkload(DType dtype)
    {
        var t = Trajectory.Load(Record());
        var workload = TrajectoryReplay.Workload(t) with { Name = "oracle_replay", LossType = LossType.SoftmaxCrossEntropy };
        var algorithm = new ScaledSgd();
        var built = new List<(int Step, DType DType)>();
        var result = TrajectoryReplay.Run(algorithm, Hyperparameters.Empty, t, dtype, (step, parameters, d, setRecorded) =>
        {
            built.Add((step, d));
            return new ScaleOracle(t.OracleTensors[$"oracle/{step:D4}/scale/w"][0], setRecorded);
        }, workload);

        Assert.Equal(new[] { (0, dtype), (1, dtype) }, built);
        Assert.Equal("oracle_replay", algorithm.Workload!.Name);
        Assert.Equal(LossType.SoftmaxCrossEntropy, algorithm.Workload.LossType);
        for (int s = 0; s < 2; s++) Assert.Equal(Expected[s].Select(x => (double)x), result[s][0]);
        Assert.True(ConformanceCheck.Run(algorithm, Hyperparameters.Empty, t, (step, _, _, setRecorded) =>
            new ScaleOracle(t.OracleTensors[$"oracle/{step:D4}/scale/w"][0], setRecorded), workload).Passed);
    }

    [Fact]
    public void WithoutAnOracleTheExtraCallFailsNamingTheStep()
    {
        var t = Trajectory.Load(Record());
        var e = Assert.Throws<InvalidOperationException>(() => TrajectoryReplay.Run(new ScaledSgd(), Hyperparameters.Empty, t, DType.Float64));
        Assert.Contains("scaled_sgd threw at step 0", e.Message, StringComparison.Ordinal);
    }

    /// <summary>w ← w − s·g, s from <see cref="StepContext.ComputeLoss"/>, g from <see cref="StepContext.ComputeLossAndGradients"/>.</summary>
    private sealed class ScaledSgd : ITrainingAlgorithm
    {
        public string Name => "scaled_sgd";

        public SearchSpace SearchSpace => new AdamW().SearchSpace;

        public Hyperparameters Defaults => Hyperparameters.Empty;

        public WorkloadInfo? Workload { get; private set; }

        public ITrainingRun Init(AlgorithmInitContext context)
        {
            Workload = context.Workload;
            return new Run();
        }

        private sealed class Run : ITrainingRun
        {
            public double Update(StepContext step)
            {
                double scale = step.ComputeLoss();
                step.ComputeLossAndGradients();
                using var noGrad = Autograd.NoGrad();
                var w = step.Parameters[0].Tensor;
                w.AddInPlace(w.Grad!, -scale);
                return scale;
            }

            public void PrepareForEval(StepContext step)
            {
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

    /// <summary>An oracle whose loss is a fixed scale and whose gradient is the recorded one.</summary>
    private sealed class ScaleOracle(double scale, Func<double> setRecorded) : IStepOracle
    {
        public int Examples => 1;

        public double LossAndGradients() => setRecorded();

        public double Loss() => scale;

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups) => throw new NotSupportedException();

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets) => throw new NotSupportedException();

        public int DrawMoreData(int batches) => throw new NotSupportedException();
    }
}
