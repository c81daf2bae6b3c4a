using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// <c>synthetic_regression</c>: noise-free linear regression y = x·w* with 8 features drawn uniformly from [-1, 1] and
/// mean squared error; preset <c>tiny</c> trains a linear student (batch 32), <c>cpu</c> an 8→512→512→1 tanh MLP (batch
/// 256, a few milliseconds a step: enough work to measure the harness's overhead against). It needs no data files and trains in well under a second, so the harness's
/// machinery (workers, resume, sharding, progress) can be exercised anywhere; it is not a benchmark workload.
/// Every batch is a pure function of (seed, index).
/// </summary>
public sealed class SyntheticRegression : IWorkload
{
    /// <summary>Registry name.</summary>
    public const string Name = "synthetic_regression";

    private const int Features = 8;
    private const int EvalExamples = 256;
    private const int Hidden = 512;
    private readonly bool _mlp;
    private static readonly float[] Teacher = [1.5f, -2f, 0.5f, 3f, -1f, 0.25f, 2f, -0.75f];

    /// <summary>Creates the workload for a preset (<c>tiny</c> or <c>cpu</c>: the same problem, different budgets).</summary>
    public SyntheticRegression(string preset)
    {
        _mlp = preset == "cpu";
        double budget = _mlp ? 60 : 10;
        Spec = new WorkloadSpec(Name, preset, LossType.MeanSquaredError, "loss", Direction.LowerIsBetter,
            ValidationTarget: 1e-3, TestTarget: 1e-3, MaxRuntimeSeconds: budget, EvalPeriodSeconds: budget / 20,
            StepHint: 500, ReferenceBatchSize: _mlp ? 256 : 32, EvalBatchSize: EvalExamples,
            NumTrainExamples: 1L << 40, NumValidationExamples: EvalExamples, NumTestExamples: EvalExamples)
        {
            ForwardFlopsPerExample = _mlp ? 2.0 * ((Features * Hidden) + (Hidden * Hidden) + Hidden) : 2.0 * Features,
        };
    }

    /// <summary>The registry entry (presets <c>tiny</c>, the default, and <c>cpu</c>).</summary>
    public static WorkloadDescriptor Descriptor { get; } = new(Name,
        "noise-free 8-feature linear regression for exercising the harness (no data files; not scored)", null,
        ["tiny", "cpu"], p => new SyntheticRegression(p));

    /// <inheritdoc/>
    public WorkloadSpec Spec { get; }

    /// <inheritdoc/>
    public Device Device { get; set; } = Device.Cpu;

    /// <inheritdoc/>
    public WorkloadModel CreateModel(ulong seed, double dropoutRate = 0)
    {
        using var g = new Generator(seed);
        Module layer = _mlp
            ? new Sequential(new Linear(Features, Hidden, generator: g), new Tanh(), new Linear(Hidden, Hidden, generator: g), new Tanh(), new Linear(Hidden, 1, generator: g))
            : new Linear(Features, 1, generator: g);
        try
        {
            if (!Device.IsCpu) layer.To(Device); // initialised on the CPU: the same values on every device
        }
        catch
        {
            layer.Dispose();
            throw;
        }

        var ps = layer.NamedParameters()
            .Select(np => new WorkloadParameter(np.Name, np.Parameter, np.Name.EndsWith("bias", StringComparison.Ordinal) ? ParameterType.Bias : ParameterType.Weight))
            .ToList();
        return new WorkloadModel(layer, ps);
    }

    /// <inheritdoc/>
    public IBatchStream TrainBatches(ulong seed, int batchSize, long startIndex = 0) => new Stream(seed, batchSize, startIndex, Device);

    /// <inheritdoc/>
    public Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        return Functional.MseLoss(model.Module.Forward(batch.Inputs).Reshape(-1), batch.Targets);
    }

    /// <inheritdoc/>
    public bool TwiceDifferentiable => true;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        model.Module.Eval();
        using var batch = Sample(split == DataSplit.Validation ? 0xA11CEUL : 0x7E57UL, 0, EvalExamples, Device);
        double mse = Loss(model, batch).ToDouble();
        return new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = mse };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static Batch Sample(ulong seed, long index, int n, Device device)
    {
        var rng = SplitMix64.For(seed, 0x5EED, (ulong)index);
        var x = new float[n * Features];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            float sum = 0;
            for (int j = 0; j < Features; j++)
            {
                float v = (float)((2 * rng.NextDouble()) - 1);
                x[(i * Features) + j] = v;
                sum += v * Teacher[j];
            }

            y[i] = sum;
        }

        return new Batch(Tensor.From<float>(x, [n, Features]), Tensor.From<float>(y), n).To(device);
    }

    private sealed class Stream(ulong seed, int batchSize, long start, Device device) : IBatchStream
    {
        public long NextIndex { get; private set; } = start;

        public TimeSpan StallTime => TimeSpan.Zero;

        public Batch Next() => Sample(seed, NextIndex++, batchSize, device);

        public void Dispose()
        {
        }
    }
}
