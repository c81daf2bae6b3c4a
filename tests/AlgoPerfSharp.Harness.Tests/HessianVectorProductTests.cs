using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The oracle's Hessian–vector products (issue 14): the closed form on linear regression, a double backward through
/// every built-in workload's graph (checked against central differences of its gradients and for symmetry), the
/// refusal of a workload that does not declare one, and a trial that asks for one there.
/// </summary>
public sealed class HessianVectorProductTests : ScratchFolder
{
    private static Tensor[] Vector(WorkloadModel model, ulong seed)
    {
        using var g = new Generator(seed);
        return [.. model.Parameters.Select(p => Tensor.RandN(p.Parameter.Data.Shape, g, p.Parameter.Data.DType))];
    }

    private static double Dot(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        a.Zip(b, (x, y) => (x.To(DType.Float64) * y.To(DType.Float64)).Sum().ToDouble()).Sum();

    private static double Norm(IReadOnlyList<Tensor> a) => Math.Sqrt(Dot(a, a));

    [Fact]
    public void OnLinearRegressionItIsTwoOverNTimesZtZv()
    {
        // L = mean((x·w + b − y)²) ⇒ H = (2/N) Σ zzᵀ with z = [x, 1], over every example of the step (its batch and one drawn)
        var workload = new TinyWorkload { TwiceDifferentiable = true };
        using var model = workload.CreateModel(1);
        using var stream = workload.TrainBatches(5, 16);
        using var scope = new DisposeScope();
        var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);
        oracle.DrawMoreData(1);
        float[] vw = [0.5f, -1f, 2f, 0.25f], vb = [-0.75f];
        var hv = oracle.HessianVectorProduct([Tensor.From<float>(vw, [1, 4]), Tensor.From<float>(vb)]);

        var expected = new double[5];
        for (long batch = 0; batch < 2; batch++)
        {
            var (x, _) = TinyWorkload.Data(5 + 100, batch, 16);
            for (int i = 0; i < 16; i++)
            {
                double zv = vb[0];
                for (int j = 0; j < 4; j++) zv += x[(i * 4) + j] * vw[j];
                for (int j = 0; j < 4; j++) expected[j] += 2.0 / 32 * x[(i * 4) + j] * zv;
                expected[4] += 2.0 / 32 * zv;
            }
        }

        double[] actual = [.. hv[0].ToArray<float>().Select(v => (double)v), hv[1].ToArray<float>()[0]];
        Assert.Equal([1L, 4L], hv[0].Shape);
        for (int k = 0; k < 5; k++) Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5 * (1 + Math.Abs(expected[k])), $"element {k}: {expected[k]} vs {actual[k]}");
        Assert.All(model.Parameters, p => Assert.Null(p.Parameter.Grad)); // grads untouched
    }

    public static TheoryData<string, string> BuiltIns() => new()
    {
        { "fashion_mnist_resnet", "tiny" },      // BatchNorm, convolutions, pooling
        { "fashion_mnist_resnet_silu", "tiny" },
        { "fashion_mnist_vit", "tiny" },         // fused attention → composed inside the scope; LayerNorm, GELU
        { "fashion_mnist_vit_postln", "tiny" },
        { "sotu_llama", "tiny" },                // fused attention, RMSNorm, RoPE → composed; SwiGLU
        { "sotu_llama_gelu", "tiny" },
        { "fashion_mnist_mlp_w64", "tiny" },     // the width ladders
        { "fashion_mnist_mlp_w128_mup", "tiny" },
        { "sotu_llama_w64", "tiny" },
        { "synthetic_regression", "tiny" },
        { "synthetic_regression", "cpu" },       // the tanh MLP
    };

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void EveryBuiltInWorkloadRunsADoubleBackwardThatMatchesItsGradientsCentralDifference(string name, string preset)
    {
        using var workload = TestRegistries.Workloads.Create(name, preset);
        Assert.True(workload.TwiceDifferentiable);
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 8);
        long live = TorchRuntime.LiveTensors;
        using (var scope = new DisposeScope())
        {
            var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);

            // symmetry over every parameter: u·Hw = w·Hu (a wrong product, e.g. the gradient or a lost block, breaks it)
            var u = Vector(model, 11);
            var w = Vector(model, 12);
            var hu = oracle.HessianVectorProduct(u);
            var hw = oracle.HessianVectorProduct(w);
            Assert.All(hu, h => Assert.True(h.IsFinite().All().ToBoolean()));
            Assert.All(model.Parameters, p => Assert.Null(p.Parameter.Grad));
            double uHw = Dot(u, hw), wHu = Dot(w, hu);
            Assert.True(Math.Abs(uHw - wHu) <= 2e-3 * (Math.Abs(uHw) + Math.Abs(wHu)) + 1e-6, $"u·Hw {uHw} vs w·Hu {wHu}");

            // Hv against the central difference of the (fused, once-differentiable) gradients along v, ε = 1e-2 for
            // float32; v moves only the last two parameters (the output head: no ReLU after it, so no kink is crossed,
            // whose Dirac mass a difference sees and autograd does not), but Hv's every block is compared
            var v = Vector(model, 13);
            for (int i = 0; i < v.Length - 2; i++) v[i].ZeroInPlace();
            double scale = 1 / Norm(v);
            foreach (var t in v) t.MulInPlace(scale); // ‖v‖ = 1
            var hv = oracle.HessianVectorProduct(v);
            const double eps = 1e-2;
            float[][] GradAt(double sign)
            {
                using (Autograd.NoGrad())
                {
                    for (int i = 0; i < v.Length; i++) model.Parameters[i].Parameter.Data.AddInPlace(v[i], sign * eps);
                }

                oracle.LossAndGradients();
                var g = model.Parameters.Select(p => p.Parameter.Grad!.ToArray<float>()).ToArray();
                using (Autograd.NoGrad())
                {
                    for (int i = 0; i < v.Length; i++) model.Parameters[i].Parameter.Data.AddInPlace(v[i], -sign * eps);
                }

                return g;
            }

            var plus = GradAt(1);
            var minus = GradAt(-1);
            double diff = 0, size = 0;
            for (int i = 0; i < hv.Count; i++)
            {
                var h = hv[i].ToArray<float>();
                for (int j = 0; j < h.Length; j++)
                {
                    double fd = (plus[i][j] - minus[i][j]) / (2 * eps);
                    diff += (fd - h[j]) * (fd - h[j]);
                    size += (double)h[j] * h[j];
                }
            }

            Assert.True(size > 1e-8, $"{name}: Hv is zero");
            Assert.True(Math.Sqrt(diff) <= 0.05 * Math.Sqrt(size), $"{name}: ‖Hv − finite difference‖ = {Math.Sqrt(diff):G3}, ‖Hv‖ = {Math.Sqrt(size):G3}");
        }

        Assert.InRange(TorchRuntime.LiveTensors, 0, live); // everything the products made died with the step's scope
    }

    [Theory]
    [InlineData("criteo_dlrm_synthetic")]
    [InlineData("criteo_dlrm_synthetic_qr")]
    public void TheClickLogDlrmsSparseEmbeddingBagsHaveNoSecondDerivativeSoTheyAreRefused(string name)
    {
        using var workload = CriteoDlrmWorkloads.Create(name, "tiny", P("criteo"));
        Assert.False(workload.TwiceDifferentiable);
        using var model = workload.CreateModel(7);
        using var stream = workload.TrainBatches(3, 8);
        using var scope = new DisposeScope();
        var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);
        var e = Assert.Throws<NotSupportedException>(() => oracle.HessianVectorProduct(Vector(model, 1)));
        Assert.Equal($"workload {name} offers no Hessian–vector products: its graph is not declared twice differentiable (IWorkload.TwiceDifferentiable is false)", e.Message);

        // what the declaration spares: libtorch refuses the double backward through the sparse bags
        var leaves = model.Parameters.Select(p => p.Parameter.Data).ToArray();
        var loss = workload.Loss(model, stream.Next());
        Assert.Throws<TorchException>(() =>
        {
            var g = Autograd.Grad([loss], leaves, createGraph: true, allowUnused: true);
            Autograd.Grad([g.Select(t => t.Sum()).Aggregate((a, b) => a + b)], leaves, allowUnused: true);
        });
    }

    [Fact]
    public void AWorkloadThatDoesNotDeclareADoubleBackwardIsRefusedByNameAndCause()
    {
        var workload = new TinyWorkload();
        using var model = workload.CreateModel(1);
        using var stream = workload.TrainBatches(1, 4);
        using var scope = new DisposeScope();
        var oracle = new StepOracle(workload, model, stream, stream.Next(), 0);
        var e = Assert.Throws<NotSupportedException>(() => oracle.HessianVectorProduct(Vector(model, 1)));
        Assert.Equal("workload tiny_regression offers no Hessian–vector products: its graph is not declared twice differentiable (IWorkload.TwiceDifferentiable is false)", e.Message);

        var supported = new StepOracle(new TinyWorkload { TwiceDifferentiable = true }, model, stream, stream.Next(), 0);
        var count = Assert.Throws<ArgumentException>(() => supported.HessianVectorProduct([Tensor.Zeros([1, 4])]));
        Assert.StartsWith("a Hessian–vector product needs one tensor per parameter (2); got 1", count.Message);
        var shape = Assert.Throws<ArgumentException>(() => supported.HessianVectorProduct([Tensor.Zeros([4]), Tensor.Zeros([1])]));
        Assert.StartsWith("vector[0] must have parameter weight's shape [1, 4] and type Float32; got [4] Float32", shape.Message);
        var type = Assert.Throws<ArgumentException>(() => supported.HessianVectorProduct([Tensor.Zeros([1, 4], DType.Float64), Tensor.Zeros([1])]));
        Assert.StartsWith("vector[0] must have parameter weight's shape [1, 4] and type Float32; got [1, 4] Float64", type.Message);

        // a context built from a gradient function only (tests, replays) has no such oracle
        var bare = new StepContext(0, [], new WorkloadInfo("w", LossType.MeanSquaredError, 1, 1, 1, 1), 0, [], () => 0);
        Assert.Equal("this step's oracle offers no Hessian–vector products", Assert.Throws<NotSupportedException>(() => bare.ComputeHessianVectorProduct([])).Message);
    }

    [Fact]
    public void ATrialCountsItsProductsAndOneOnAWorkloadWithoutThemFailsInOneLineKeepingItsRows()
    {
        using var store = ResultsStore.Open(P("r.db"));
        var run = store.CreateRun("t", "t", 1, "{}");
        TrialSpec Spec(int trial) => new("tiny_regression", "hvp", TuningRuleset.ExternalTuning, 0, trial, new AdamW().Defaults, 1, 2, 3, 1.0);

        var good = Spec(0);
        long id = store.EnsureTrial(run.Id, good).Id;
        var algorithm = new HvpEveryStep(fromStep: 0);
        var ok = new TrialRunner(store).Run(id, good, new TinyWorkload(target: -1) { TwiceDifferentiable = true }, algorithm, new TrialRunnerOptions { MaxSteps = 4, EvalEverySteps = 2 });
        Assert.Equal(TrialState.Completed, ok.State);
        Assert.True(algorithm.SawSupport);
        var rows = store.Evals(id);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(1.0, r.Diagnostics["oracle/hessian_vector_products"]));
        Assert.All(rows, r => Assert.Equal(1.0, r.Diagnostics["oracle/gradient_evaluations"]));

        var bad = Spec(1);
        long id2 = store.EnsureTrial(run.Id, bad).Id;
        var refused = new HvpEveryStep(fromStep: 4);
        var failed = new TrialRunner(store).Run(id2, bad, new TinyWorkload(target: -1), refused, new TrialRunnerOptions { MaxSteps = 10, EvalEverySteps = 2 });
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.False(refused.SawSupport);
        Assert.Equal("hvp.Update threw NotSupportedException at step 4: workload tiny_regression offers no Hessian–vector products: its graph is not declared twice differentiable (IWorkload.TwiceDifferentiable is false)", failed.Error);
        Assert.Equal([2L, 4L], store.Evals(id2).Select(r => r.Step));                            // the rows before it are kept
        Assert.All(store.Evals(id2), r => Assert.False(r.Diagnostics.ContainsKey("oracle/hessian_vector_products"))); // none asked: no column
    }

    // AdamW that also asks for H·1 from step `fromStep` on, and records whether the workload said it could.
    private sealed class HvpEveryStep(long fromStep) : ITrainingAlgorithm
    {
        private readonly AdamW _inner = new();

        public bool SawSupport { get; private set; }

        public string Name => "hvp";

        public SearchSpace SearchSpace => _inner.SearchSpace;

        public Hyperparameters Defaults => _inner.Defaults;

        public ITrainingRun Init(AlgorithmInitContext context)
        {
            SawSupport = context.Workload.SupportsHessianVectorProducts;
            return new BeforeEachUpdateRun(_inner.Init(context), step =>
            {
                if (step.GlobalStep >= fromStep) step.ComputeHessianVectorProduct([.. step.Parameters.Select(p => p.Tensor.OnesLike())]);
            });
        }
    }
}
