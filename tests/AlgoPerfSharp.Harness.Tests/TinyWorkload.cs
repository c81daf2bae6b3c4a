using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : IClock
{
    public double Time { get; set; }

    public double Now() => Time;

    public void Advance(double seconds) => Time += seconds;
}

/// <summary>
/// Linear regression y = X·w* (4 features) as a workload, for harness tests in seconds. Each training loss costs
/// <see cref="StepCost"/> seconds of the manual clock; each evaluation of a split costs <see cref="EvalCost"/>.
/// Metric: validation mean squared error ("loss"), lower is better.
/// </summary>
internal sealed class TinyWorkload : IWorkload
{
    private static readonly float[] WStar = [1.5f, -2f, 0.5f, 3f];
    private readonly ManualClock? _clock;

    public TinyWorkload(ManualClock? clock = null, double target = 1e-3, double maxRuntime = 1000, double evalPeriod = 3)
    {
        _clock = clock;
        Spec = new WorkloadSpec("tiny_regression", "cpu", LossType.MeanSquaredError, "loss", Direction.LowerIsBetter,
            target, target, maxRuntime, evalPeriod, StepHint: 200, ReferenceBatchSize: 16, EvalBatchSize: 64,
            NumTrainExamples: 1_000_000, NumValidationExamples: 64, NumTestExamples: 64);
    }

    public WorkloadSpec Spec { get; }

    public double StepCost { get; set; } = 1.0;

    /// <summary>Whether the oracle may offer Hessian–vector products (false: the default of a workload that has not declared it).</summary>
    public bool TwiceDifferentiable { get; init; }

    public double EvalCost { get; set; } = 100.0;

    public static (float[] X, float[] Y) Data(ulong seed, long index, int n)
    {
        var rng = SplitMix64.For(seed, 7, (ulong)index);
        var x = new float[n * 4];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                x[(i * 4) + j] = (float)((rng.NextDouble() * 2) - 1);
                y[i] += x[(i * 4) + j] * WStar[j];
            }
        }

        return (x, y);
    }

    public WorkloadModel CreateModel(ulong seed, double dropoutRate = 0)
    {
        using var g = new Generator(seed);
        var lin = new Linear(4, 1, generator: g);
        var ps = lin.NamedParameters().Select(np => new WorkloadParameter(np.Name, np.Parameter, np.Name == "weight" ? ParameterType.Weight : ParameterType.Bias)).ToList();
        return new WorkloadModel(lin, ps);
    }

    public IBatchStream TrainBatches(ulong seed, int batchSize, long startIndex = 0) => new Stream(seed, batchSize, startIndex);

    public Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0)
    {
        _clock?.Advance(StepCost);
        var pred = model.Module.Forward(batch.Inputs).Reshape(-1);
        return Functional.MseLoss(pred, batch.Targets);
    }

    public IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split)
    {
        _clock?.Advance(EvalCost);
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        model.Module.Eval();
        var (x, y) = Data(split == DataSplit.Validation ? 1UL : 2UL, 0, 64);
        var pred = model.Module.Forward(Tensor.From<float>(x, [64, 4])).Reshape(-1);
        double mse = Functional.MseLoss(pred, Tensor.From<float>(y)).ToDouble();
        return new Dictionary<string, double> { ["loss"] = mse };
    }

    public void Dispose()
    {
    }

    private sealed class Stream(ulong seed, int batchSize, long start) : IBatchStream
    {
        public long NextIndex { get; private set; } = start;

        public TimeSpan StallTime => TimeSpan.Zero;

        public Batch Next()
        {
            var (x, y) = Data(seed + 100, NextIndex++, batchSize);
            return new Batch(Tensor.From<float>(x, [batchSize, 4]), Tensor.From<float>(y), batchSize);
        }

        public void Dispose()
        {
        }
    }
}
