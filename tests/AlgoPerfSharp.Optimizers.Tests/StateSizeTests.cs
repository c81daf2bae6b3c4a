using System.Reflection;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Memory;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Optimizer state against its theory (<see cref="TheoreticalState"/>): every built-in, at its defaults, after 14 steps
/// (past L-BFGS's memory of 10, Sophia's first refresh, SOAP's first basis refresh) on a small mixed float32 parameter
/// set keeps checkpoint-state bytes within 10 % of its formula, and keeps no native tensor outside that state; the
/// formula itself is checked in closed form for AdamW (2·4·P bytes), SGD (4·P), Schedule-Free (3·4·P) and by hand for
/// the factor terms of Shampoo and SOAP.
/// </summary>
public sealed class StateSizeTests
{
    private const int Steps = 14;

    private static readonly WorkloadInfo Workload = new("test_mixed", LossType.SoftmaxCrossEntropy, 200, 3600, 1_000_000, 32) { SupportsHessianVectorProducts = true };

    /// <summary>Every built-in, as the optimizers assembly declares them (a new built-in without a formula fails here).</summary>
    public static TheoryData<string> BuiltIns
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var a in Algorithms()) data.Add(a.Name);
            return data;
        }
    }

    private static List<ITrainingAlgorithm> Algorithms() =>
        [.. typeof(AdamW).Assembly.GetCustomAttributes<TrainingAlgorithmAttribute>().Select(a => (ITrainingAlgorithm)Activator.CreateInstance(a.AlgorithmType)!)];

    private static ITrainingAlgorithm Create(string name) => Algorithms().Single(a => a.Name == name);

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void MeasuredStateIsWithinTenPercentOfTheFormulaAndNothingElseIsKept(string name)
    {
        using var set = new MixedSet();
        var algorithm = Create(name);
        var theory = TheoreticalState.Of(algorithm, [.. set.Parameters.Select(ParameterShape.Of)], Hyperparameters.Empty);
        Assert.NotNull(theory);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = TorchRuntime.LiveTensors;

        using var run = algorithm.Init(new AlgorithmInitContext(set.Parameters, Hyperparameters.Empty, Workload, 7));
        for (int s = 0; s < Steps; s++)
        {
            using var scope = new DisposeScope();
            run.Update(new StepContext(s, set.Parameters, Workload, 0, [], set.Oracle()));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long kept = TorchRuntime.LiveTensors - baseline;
        using var state = run.SaveState();
        long measured = StateSize.Measure(state);
        double ratio = (double)measured / theory.Bytes;
        Assert.True(Math.Abs(ratio - 1) <= 0.10, $"{name}: measured {measured} B, theory {theory.Bytes} B ({theory.Formula}), ratio {ratio:F4}");

        // everything the run holds is in its checkpoint: no kept temporary, no cache outside the state
        Assert.True(kept == state.Tensors.Count, $"{name}: {kept} native tensors kept by the run, {state.Tensors.Count} in its checkpoint state");
    }

    [Fact]
    public void TheFormulaIsTwoFourByteMomentsPerParameterForAdamWAndOneForSgd()
    {
        using var set = new MixedSet();
        var shapes = set.Parameters.Select(ParameterShape.Of).ToList();
        long p = shapes.Sum(s => s.Elements);
        Assert.Equal(MixedSet.ParameterCount, p);
        Assert.Equal(2 * 4 * p, TheoreticalState.Of(new AdamW(), shapes, Hyperparameters.Empty)!.Bytes);
        Assert.Equal(2 * 4 * p, TheoreticalState.Of(new NAdamW(), shapes, Hyperparameters.Empty)!.Bytes);
        Assert.Equal(4 * p, TheoreticalState.Of(new SgdNesterov(), shapes, Hyperparameters.Empty)!.Bytes);
        Assert.Equal(3 * 4 * p, TheoreticalState.Of(new ScheduleFreeAdamW(), shapes, Hyperparameters.Empty)!.Bytes);
        Assert.Equal(2 * 10 * 4 * p, TheoreticalState.Of(new ProgressiveBatchingLbfgs(), shapes, Hyperparameters.Empty)!.Bytes);
        var memory5 = new Hyperparameters(new Dictionary<string, object> { ["memory"] = 5.0 });
        Assert.Equal(2 * 5 * 4 * p, TheoreticalState.Of(new ProgressiveBatchingLbfgs(), shapes, memory5)!.Bytes);

        // float64 parameters double every term
        var doubles = shapes.Select(s => new ParameterShape(s.Name, s.Shape, s.Type, 8)).ToList();
        Assert.Equal(2 * 8 * p, TheoreticalState.Of(new AdamW(), doubles, Hyperparameters.Empty)!.Bytes);
    }

    [Fact]
    public void ShampooAndSoapFactorTermsMatchAHandCount()
    {
        // (300, 2000) with b = 1024: no merge (300·2000 > 1024); rows one chunk of 300, columns chunks 1024 + 976;
        // blocks (300×1024) and (300×976): sides 300² twice, 1024² and 976² once. A bias of 40: one 40×40 factor.
        // A (1, 2_000_000) table: a dim ≥ 10⁶, Adam's m and v only.
        ParameterShape[] shapes =
        [
            new("w", [300, 2000], ParameterType.Weight),
            new("b", [40], ParameterType.Bias),
            new("table", [1, 2_000_000], ParameterType.Embedding),
        ];
        long p = (300 * 2000) + 40 + 2_000_000;
        long squares = (2 * 300 * 300) + (1024 * 1024) + (976 * 976) + (40 * 40);
        var shampoo = TheoreticalState.Of(new Shampoo(), shapes, Hyperparameters.Empty)!;
        Assert.Equal(4 * ((2 * p) + (2 * squares)), shampoo.Bytes); // M, grafting V; statistic + root per side
        var ec = TheoreticalState.Of(new EcShampoo(), shapes, Hyperparameters.Empty)!;
        Assert.Equal(4 * ((2 * p) + (2 * squares)), ec.Bytes); // M and D (the Adam table: M and V); statistic + eigenbasis per side
        Assert.Equal(4 * 2_000_000, ec.Terms.Single(t => t.Name.StartsWith("V ", StringComparison.Ordinal)).Bytes);
        var never = new Hyperparameters(new Dictionary<string, object> { ["start_preconditioning_step"] = double.PositiveInfinity });
        Assert.Equal(4 * 2 * p, TheoreticalState.Of(new Shampoo(), shapes, never)!.Bytes);

        // SOAP: no merging or blocking; sides ≤ 10000 rotated, the 2,000,000 side and the vector not
        var soap = TheoreticalState.Of(new Soap(), shapes, Hyperparameters.Empty)!;
        Assert.Equal(4 * ((2 * p) + (2 * ((300 * 300) + (2000 * 2000) + 1))), soap.Bytes);
    }

    [Fact]
    public void AnAlgorithmWithoutAFormulaHasNoTheoryAndABadShapeIsRefused()
    {
        Assert.Null(TheoreticalState.Of(new NoFormula(), [new ParameterShape("w", [2, 3], ParameterType.Weight)], Hyperparameters.Empty));
        var e = Assert.Throws<ArgumentException>(() => new ParameterShape("w", [2, -3], ParameterType.Weight));
        Assert.Contains("w: a shape needs sizes ≥ 0 (got [2, -3])", e.Message);
        Assert.Contains("element size must be ≥ 1", Assert.Throws<ArgumentException>(() => new ParameterShape("w", [2], ParameterType.Weight, 0)).Message);
    }

    private sealed class NoFormula : ITrainingAlgorithm
    {
        public string Name => "no_formula";

        public SearchSpace SearchSpace => throw new NotSupportedException();

        public Hyperparameters Defaults => Hyperparameters.Empty;

        public ITrainingRun Init(AlgorithmInitContext context) => throw new NotSupportedException();
    }

    /// <summary>
    /// A small float32 model's parameter set — an embedding, attention and MLP matrices of several shapes, a conv kernel,
    /// the output head, a norm scale and a bias — under f(w) = ½ Σ a ⊙ (w − 1)², a ∈ [1, 100]: a quadratic whose oracle
    /// answers every call (sub-batches all see the full gradient, the sampled-label gradient is a tenth of it, the
    /// Hessian–vector product is a ⊙ v).
    /// </summary>
    private sealed class MixedSet : IDisposable
    {
        public const long ParameterCount = (64 * 16) + (48 * 16) + (40 * 16) + (16 * 40) + (8 * 3 * 3 * 3) + (10 * 16) + 16 + 40;

        private readonly Tensor[] _a;

        public MixedSet()
        {
            (string Name, long[] Shape, ParameterType Type)[] layout =
            [
                ("embedding", new long[] { 64, 16 }, ParameterType.Embedding),
                ("attn.qkv", new long[] { 48, 16 }, ParameterType.AttentionQkv),
                ("mlp.up", new long[] { 40, 16 }, ParameterType.Weight),
                ("mlp.down", new long[] { 16, 40 }, ParameterType.Weight),
                ("conv", new long[] { 8, 3, 3, 3 }, ParameterType.ConvWeight),
                ("head", new long[] { 10, 16 }, ParameterType.OutputHead),
                ("norm.scale", new long[] { 16 }, ParameterType.NormScale),
                ("mlp.bias", new long[] { 40 }, ParameterType.Bias),
            ];
            Parameters = [.. layout.Select(l => new ModelParameter(l.Name, DisposeScope.Detach(Tensor.Zeros(l.Shape, DType.Float32)).RequiresGradInPlace(), l.Type))];
            _a = [.. layout.Select((l, i) =>
            {
                long n = l.Shape.Aggregate(1L, (x, y) => x * y);
                var values = Enumerable.Range(0, (int)n).Select(k => (float)(1 + (99.0 * (((k * 7919) + (i * 104729)) % 1000) / 999.0))).ToArray();
                return DisposeScope.Detach(Tensor.From<float>(values, l.Shape));
            })];
        }

        public IReadOnlyList<ModelParameter> Parameters { get; }

        public IStepOracle Oracle() => new QuadraticOracle(this);

        public double LossAndGrads()
        {
            foreach (var p in Parameters) p.Tensor.Grad = null;
            var loss = Value();
            loss.Backward();
            return loss.ToDouble();
        }

        public double Loss()
        {
            using var noGrad = Autograd.NoGrad();
            return Value().ToDouble();
        }

        public IReadOnlyList<Tensor> Hvp(IReadOnlyList<Tensor> v) => [.. v.Select((x, i) => x * _a[i])];

        private Tensor Value() => Parameters.Select((p, i) => ((p.Tensor - 1).Square() * _a[i]).Sum()).Aggregate((x, y) => x + y) * 0.5;

        public void Dispose()
        {
            foreach (var p in Parameters) p.Tensor.Dispose();
            foreach (var a in _a) a.Dispose();
        }

        private sealed class QuadraticOracle(MixedSet set) : IStepOracle
        {
            public int Examples { get; private set; } = 32;

            public double LossAndGradients() => set.LossAndGrads();

            public double Loss() => set.Loss();

            public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
            {
                double loss = set.LossAndGrads();
                return [.. Enumerable.Range(0, groups).Select(_ => new SubBatchGradients(loss, Examples / groups, [.. set.Parameters.Select(p => p.Tensor.Grad!.Clone())]))];
            }

            public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets)
            {
                using var logits = Tensor.From<float>([0.1f, 2, -1, 0, 0, 0, 3, 1, -2, -1, 0.5f, 0.2f], [4, 3]);
                targets(logits);
                double loss = set.LossAndGrads();
                foreach (var p in set.Parameters) p.Tensor.Grad!.MulInPlace(0.1);
                return loss;
            }

            public int DrawMoreData(int batches) => Examples += 32 * batches;

            public IReadOnlyList<Tensor> HessianVectorProduct(IReadOnlyList<Tensor> vector) => set.Hvp(vector);
        }
    }
}
