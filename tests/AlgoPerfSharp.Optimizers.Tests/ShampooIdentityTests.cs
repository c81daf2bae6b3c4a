using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using MathNet.Numerics.LinearAlgebra;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>research/optimizers.md §9 identities 3 (grafting), 5 (hand-built Kronecker factors) and 9 (orthogonalisation, scale invariance), float64.</summary>
public sealed class ShampooIdentityTests
{
    private const long Never = long.MaxValue;

    /// <summary>Runs <paramref name="config"/> over gradient steps on a (3, 4) weight and a (4) bias and returns the final values.</summary>
    private static (double[] W, double[] B) Run(ShampooConfig config, double lr, double[] w0, double[] b0, double[][] gw, double[][] gb)
    {
        var w = Fixtures.Param("w", [3, 4], w0);
        var b = Fixtures.Param("b", [4], b0, ParameterType.Bias);
        using var opt = new ShampooDriver([w, b], config);
        for (int t = 0; t < gw.Length; t++)
        {
            Fixtures.SetGrad(w, gw[t]);
            Fixtures.SetGrad(b, gb[t]);
            Assert.True(opt.Step(lr));
        }

        var r = (Fixtures.Values(w), Fixtures.Values(b));
        w.Tensor.Dispose();
        b.Tensor.Dispose();
        return r;
    }

    [Theory]
    [InlineData("adam", 0.9, 0.999, true)]
    [InlineData("adam", 0.9, 0.999, false)]
    [InlineData("adagrad", 0.0, 1.0, true)]
    [InlineData("rmsprop", 0.0, 0.99, true)]
    [InlineData("sgd", 0.0, 1.0, true)]
    public void WithPreconditioningNeverStartedGraftingIsTheGraftedMethod(string method, double b1, double b2, bool l2)
    {
        const double lr = 0.01, eps = 1e-10, wd = 0.3;
        var type = method switch { "adam" => GraftingType.Adam, "adagrad" => GraftingType.AdaGrad, "rmsprop" => GraftingType.RmsProp, _ => GraftingType.Sgd };
        double graftBeta = b2 < 1 ? b2 : 0.999;
        var config = new ShampooConfig(
            beta1: b1, beta2: b2, epsilon: 1e-12, weightDecay: wd, weightDecayType: l2 ? WeightDecayType.L2 : WeightDecayType.Decoupled,
            maxPreconditionerDim: 8, startPreconditioningStep: Never, useBiasCorrection: method == "adam",
            grafting: new GraftingConfig(type, graftBeta, eps));
        var w0 = ShampooTestKit.RandomVectors(1, 12, 1)[0];
        var b0 = ShampooTestKit.RandomVectors(1, 4, 2)[0];
        var gw = ShampooTestKit.RandomVectors(5, 12, 3);
        var gb = ShampooTestKit.RandomVectors(5, 4, 4);
        var (w, b) = Run(config, lr, w0, b0, gw, gb);
        ShampooTestKit.AssertClose(ShampooTestKit.Reference(method, w0, gw, lr, b1, graftBeta, eps, wd, l2), w, 1e-12);
        ShampooTestKit.AssertClose(ShampooTestKit.Reference(method, b0, gb, lr, b1, graftBeta, eps, wd, l2), b, 1e-12);
    }

    [Fact]
    public void AfterTheStartEachBlockTakesTheGraftedNorm()
    {
        // (3, 5) with blocks of 2: dims split [2, 1] × [2, 2, 1] → 6 blocks, each rescaled to Adam's per-block norm.
        const double lr = 0.1, b2g = 0.999, eps = 1e-8;
        var config = new ShampooConfig(beta1: 0, beta2: 1, maxPreconditionerDim: 2, preconditionFrequency: 1, startPreconditioningStep: 1,
            grafting: new GraftingConfig(GraftingType.Adam, b2g, eps));
        var w = Fixtures.Param("w", [3, 5]);
        using var opt = new ShampooDriver([w], config);
        var grads = ShampooTestKit.RandomVectors(3, 15, 9);
        var v = new double[15];
        (long R, long C, long H, long W)[] blocks = [(0, 0, 2, 2), (0, 2, 2, 2), (0, 4, 2, 1), (2, 0, 1, 2), (2, 2, 1, 2), (2, 4, 1, 1)];
        for (int t = 1; t <= grads.Length; t++)
        {
            var before = Fixtures.Values(w);
            Fixtures.SetGrad(w, grads[t - 1]);
            opt.Step(lr);
            var after = Fixtures.Values(w);
            var graft = new double[15];
            for (int i = 0; i < 15; i++)
            {
                double g = grads[t - 1][i];
                v[i] = (b2g * v[i]) + ((1 - b2g) * g * g);
                graft[i] = g / (Math.Sqrt(v[i] / (1 - Math.Pow(b2g, t))) + eps);
            }

            foreach (var (r0, c0, h, wd) in blocks)
            {
                double pn = 0, gn = 0;
                for (long r = r0; r < r0 + h; r++)
                {
                    for (long c = c0; c < c0 + wd; c++)
                    {
                        long i = (r * 5) + c;
                        double p = (before[i] - after[i]) / lr;
                        pn += p * p;
                        gn += graft[i] * graft[i];
                    }
                }

                Assert.Equal(1, Math.Sqrt(pn) / Math.Sqrt(gn), 1e-12);
            }
        }

        w.Tensor.Dispose();
    }

    /// <summary>Two steps from W = 0 with lr 1 and returns P₂ = W₁ − W₂ (β1 = 0, no grafting, F = S = 1).</summary>
    private static double[] SecondDirection(long[] shape, double[] g1, double[] g2, double epsilon, bool merge = true, double beta2 = 1, bool biasCorrection = false)
    {
        var config = new ShampooConfig(beta1: 0, beta2: beta2, epsilon: epsilon, maxPreconditionerDim: 3, preconditionFrequency: 1,
            startPreconditioningStep: 1, useBiasCorrection: biasCorrection, mergeDims: merge);
        var w = Fixtures.Param("w", shape);
        using var opt = new ShampooDriver([w], config);
        Fixtures.SetGrad(w, g1);
        opt.Step(1);
        var w1 = Fixtures.Values(w);
        Fixtures.SetGrad(w, g2);
        opt.Step(1);
        var w2 = Fixtures.Values(w);
        w.Tensor.Dispose();
        return w1.Zip(w2, (a, b) => a - b).ToArray();
    }

    [Fact]
    public void HandBuiltKroneckerFactorsGiveTheClosedForms()
    {
        double s = 1 / Math.Sqrt(2);
        double[] eye = [s, 0, 0, s];

        // 2×2 with G₁ = G₂ = I/√2: L = R = I, so P = G₂ (ε → 0); with ε = 80, (81·I)^(−1/4) twice → G₂/9.
        ShampooTestKit.AssertClose(eye, SecondDirection([2, 2], eye, eye, 1e-30), 1e-12);
        ShampooTestKit.AssertClose(eye.Select(x => x / 9).ToArray(), SecondDirection([2, 2], eye, eye, 80), 1e-12);

        // 1×2 (not merged) with [[1, 0]], [[0, 1]]: L = 2, R = I → P = 2^(−1/4)·G₂; ε = 80: 82^(−1/4)·81^(−1/4)·G₂.
        ShampooTestKit.AssertClose([0, Math.Pow(2, -0.25)], SecondDirection([1, 2], [1, 0], [0, 1], 1e-30, merge: false), 1e-12);
        ShampooTestKit.AssertClose([0, Math.Pow(82, -0.25) / 3], SecondDirection([1, 2], [1, 0], [0, 1], 80, merge: false), 1e-12);

        // Vector [1, 0], [0, 1]: F = I, exponent −1/2 → P = [0, 1]; ε = 80 → [0, 1/9].
        ShampooTestKit.AssertClose([0, 1], SecondDirection([2], [1, 0], [0, 1], 1e-30), 1e-12);
        ShampooTestKit.AssertClose([0, 1.0 / 9], SecondDirection([2], [1, 0], [0, 1], 80), 1e-12);
    }

    [Fact]
    public void Beta2ScalingWithCompensatedGradientsKeepsTheFactors()
    {
        // β2 = 0.9, w = 0.1: G₁/√(β2·w) and G₂/√w give F₂ = β2·w·G₁G₁ᵀ/(β2·w) + w·G₂G₂ᵀ/w — the β2 = 1 factors — so
        // P = X·(G₂/√w)·X = P(β2 = 1)/√w. With bias correction (÷ 1 − β2²) scaling both by √(1 − β2²) more keeps F/bc2,
        // and P gains that factor too.
        double s = 1 / Math.Sqrt(2), b2 = 0.9, w = 0.1, bc = 1 - (b2 * b2);
        double[] g = [s, 0, 0, s];
        var baseline = SecondDirection([2, 2], g, g, 1e-30);
        var scaled = SecondDirection([2, 2], g.Select(x => x / Math.Sqrt(b2 * w)).ToArray(), g.Select(x => x / Math.Sqrt(w)).ToArray(), 1e-30, beta2: b2);
        ShampooTestKit.AssertClose(baseline.Select(x => x / Math.Sqrt(w)).ToArray(), scaled, 1e-10);
        var corrected = SecondDirection([2, 2], g.Select(x => x * Math.Sqrt(bc / (b2 * w))).ToArray(), g.Select(x => x * Math.Sqrt(bc / w)).ToArray(), 1e-30, beta2: b2, biasCorrection: true);
        ShampooTestKit.AssertClose(baseline.Select(x => x * Math.Sqrt(bc / w)).ToArray(), corrected, 1e-10);
    }

    [Fact]
    public void OneStepOnAFullRankSquareGradientIsItsOrthogonalisation()
    {
        // P = (GGᵀ)^(−1/4)·G·(GᵀG)^(−1/4) = U·Vᵀ for G = UΣVᵀ (MathNet's SVD as the oracle).
        var g = ShampooTestKit.RandomVectors(1, 16, 21)[0];
        var config = new ShampooConfig(beta1: 0, beta2: 1, epsilon: 1e-30, maxPreconditionerDim: 4, preconditionFrequency: 1, startPreconditioningStep: 1);
        var w = Fixtures.Param("w", [4, 4]);
        using var opt = new ShampooDriver([w], config);
        Fixtures.SetGrad(w, g);
        opt.Step(1);
        var p = Fixtures.Values(w).Select(x => -x).ToArray();
        var svd = Matrix<double>.Build.DenseOfRowMajor(4, 4, g).Svd();
        var uvt = svd.U * svd.VT;
        ShampooTestKit.AssertClose(Enumerable.Range(0, 16).Select(i => uvt[i / 4, i % 4]).ToArray(), p, 1e-9);
        w.Tensor.Dispose();
    }

    [Fact]
    public void DirectionsAreInvariantToScalingTheGradients()
    {
        // Each of the k factors scales by c², with exponent −1/(2k): P(c·G₁…c·G_t) = P(G₁…G_t). Preconditioning starts at
        // S = 4, when the factors of the (3, 4) matrix and the (4) vector have full rank (so ε → 0 is harmless);
        // the directions P_t = (W_{t−1} − W_t)/η of steps 4…6 are compared.
        var gw = ShampooTestKit.RandomVectors(6, 12, 5);
        var gb = ShampooTestKit.RandomVectors(6, 4, 6);
        var plain = Directions(gw, gb, 1);
        var scaled = Directions(gw, gb, 7.3);
        for (int t = 3; t < 6; t++) ShampooTestKit.AssertClose(plain[t], scaled[t], 1e-9);
    }

    private static double[][] Directions(double[][] gw, double[][] gb, double c)
    {
        var config = new ShampooConfig(beta1: 0, beta2: 1, epsilon: 1e-30, maxPreconditionerDim: 4, preconditionFrequency: 1, startPreconditioningStep: 4);
        var w = Fixtures.Param("w", [3, 4]);
        var b = Fixtures.Param("b", [4], type: ParameterType.Bias);
        using var opt = new ShampooDriver([w, b], config);
        var result = new double[gw.Length][];
        for (int t = 0; t < gw.Length; t++)
        {
            var before = Fixtures.Values(w).Concat(Fixtures.Values(b)).ToArray();
            Fixtures.SetGrad(w, gw[t].Select(x => c * x).ToArray());
            Fixtures.SetGrad(b, gb[t].Select(x => c * x).ToArray());
            opt.Step(0.5);
            var after = Fixtures.Values(w).Concat(Fixtures.Values(b)).ToArray();
            result[t] = before.Zip(after, (x, y) => (x - y) / 0.5).ToArray();
        }

        w.Tensor.Dispose();
        b.Tensor.Dispose();
        return result;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheFusedDirectionStepEqualsTheTransformByTransformPath(bool soap)
    {
        // Chain applies a Shampoo-family recipe straight to the weights (w(1 − ηλ) − η·s·P, or (w − η·s·P)(1 − ηλ) for
        // SOAP); with fusion off, each transform rewrites the update in turn. Both must give the same weights.
        const double lr = 0.05, wd = 0.1;
        var grads = ShampooTestKit.RandomVectors(6, 12, 17);
        var w0 = ShampooTestKit.RandomVectors(1, 12, 18)[0];
        var schedule = new AlgoPerfSharp.Optimizers.Schedules.ConstantSchedule(lr);
        IGradientTransform Recipe(bool fused)
        {
            var config = new ShampooConfig(beta1: 0.9, beta2: 0.99, weightDecay: wd, maxPreconditionerDim: 4, preconditionFrequency: 2,
                grafting: new GraftingConfig(GraftingType.Adam, 0.99, 1e-8));
            return soap
                ? new Chain(new ScaleBySoap(new SoapConfig(weightDecay: wd, preconditionFrequency: 2)), new ScaleByLearningRate(schedule), new DecayAfterStep(wd, schedule)) { AllowFusion = fused }
                : new Chain(new ScaleByShampoo(config), new AddDecayedWeights(wd), new ScaleByLearningRate(schedule)) { AllowFusion = fused };
        }

        double[] Run(bool fused)
        {
            var w = Fixtures.Param("w", [3, 4], w0);
            var recipe = Recipe(fused);
            Assert.Equal(fused, ((Chain)recipe).IsFused);
            using var opt = new TransformOptimizer([w], recipe);
            foreach (var g in grads)
            {
                Fixtures.SetGrad(w, g);
                opt.Step();
            }

            var r = Fixtures.Values(w);
            w.Tensor.Dispose();
            return r;
        }

        var unfused = Run(false);
        ShampooTestKit.AssertClose(unfused, Run(true), 1e-13);
        Assert.NotEqual(w0, unfused);
    }

    [Fact]
    public void ParametersWithAMillionRowsAreTrainedByAdamWithoutFactors()
    {
        // As the AlgoPerf submission: any dim ≥ 1,000,000 → S = ∞ with Adam grafting, so the first step is Adam's:
        // Ḡ/(√V̂ + ε) with Ḡ = G (debiased, β3 = β1² gives (1−β1²)G/(1−β1²)) and V̂ = G², i.e. G/(|G| + 1e-8).
        var emb = Fixtures.Param("emb", [1_000_000, 1], type: ParameterType.Embedding);
        var small = Fixtures.Param("w", [3, 4]);
        var h = new Hyperparameters(new Dictionary<string, object> { ["weight_decay"] = 0.0, ["warmup_factor"] = 0.0, ["learning_rate"] = 0.01 });
        using var run = new AlgoPerfSharp.Optimizers.Algorithms.Shampoo().Init(new AlgorithmInitContext([emb, small], h, Fixtures.Workload(100), 0));
        var g = Enumerable.Range(0, 1_000_000).Select(i => (i % 7) - 3.0).ToArray();
        using (var scope = new DisposeScope())
        {
            run.Update(new StepContext(0, [emb, small], Fixtures.Workload(100), 0, [], () =>
            {
                Fixtures.SetGrad(emb, g);
                Fixtures.SetGrad(small, new double[12]);
                return 0;
            }));
        }

        var d = run.Diagnostics();
        Assert.DoesNotContain(d.Keys, k => k.StartsWith("factor/emb/", StringComparison.Ordinal));
        Assert.Contains("factor/w/0/L/checks", d.Keys);
        var w = Fixtures.Values(emb);
        for (int i = 0; i < 14; i++) Assert.Equal(-0.01 * g[i] / (Math.Abs(g[i]) + 1e-8), w[i], 1e-12);
        emb.Tensor.Dispose();
        small.Tensor.Dispose();
    }
}
