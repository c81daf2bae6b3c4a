using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Sophia's fused step (Chain peephole → <see cref="FusedSteps.SophiaInPlace"/>) against the transform-by-transform
/// path over 24 steps with h refreshed every 3 steps (so some coordinates are clipped and some not): float32 and
/// float64, both lerp formulas, with and without decay, inside another chain, with width-transfer multipliers;
/// bit-identical where both take the ATen ops (strided, bfloat16); against a float64 loop of the formulas; and the
/// refresh's moving average (<see cref="FusedSteps.EmaManyInPlace"/>) against the ATen ops.
/// </summary>
public sealed class FusedSophiaTests
{
    private const int Steps = 24;

    private static readonly long[][] Shapes = [[37, 5], [4], [300, 200], [8, 3, 3, 3]];

    private static Chain Recipe(bool fused, double beta1, double? weightDecay)
    {
        var sophia = new ScaleBySophia(beta1, 0.9, rho: 1.0, eps: 1e-12);
        var lr = new ScaleByLearningRate(new WarmupCosineSchedule(0.01, 5, Steps));
        return weightDecay is { } wd ? new Chain(sophia, new AddDecayedWeights(wd), lr) { AllowFusion = fused } : new Chain(sophia, lr) { AllowFusion = fused };
    }

    private static SophiaState? Find(TransformState state) => state switch
    {
        SophiaState s => s,
        Chain.ChainState c => c.States.Select(Find).FirstOrDefault(s => s is not null),
        _ => null,
    };

    /// <summary>The parameters, then the momenta and the Hessian EMAs, after <see cref="Steps"/> steps, as float64 values.</summary>
    private static double[][] Run(Chain recipe, DType dtype, bool transposedGrad, bool clip, TransferMultipliers[]? multipliers = null)
    {
        using var gen = new Generator(31);
        var ps = new ModelParameter[Shapes.Length];
        for (int k = 0; k < Shapes.Length; k++)
        {
            var t = DisposeScope.Detach(Tensor.RandN(Shapes[k], gen, dtype)).RequiresGradInPlace();
            ps[k] = new ModelParameter("p" + k, t, Shapes[k].Length == 1 ? ParameterType.Bias : ParameterType.Weight);
        }

        double[][] result;
        using (var opt = new TransformOptimizer(ps, clip ? new Chain(new ClipByGlobalNorm(1.0), recipe) : recipe, multipliers: multipliers))
        {
            var state = Find(opt.State)!;
            for (int s = 0; s < Steps; s++)
            {
                using var scope = new DisposeScope();
                for (int k = 0; k < ps.Length; k++)
                {
                    var shape = Shapes[k];
                    ps[k].Tensor.Grad = transposedGrad && shape.Length == 2
                        ? Tensor.RandN([shape[1], shape[0]], gen, dtype).T()
                        : Tensor.RandN(shape, gen, dtype);
                }

                Assert.True(opt.Step());
                if (s % 3 == 2)
                {
                    // A Hutchinson-like estimate of either sign (negative entries fall to the floor ε): ρ·h ≈ |m| for
                    // some coordinates and below for others.
                    using var noGrad = Autograd.NoGrad();
                    state.UpdateHessianDiagonal([.. Shapes.Select(sh => Tensor.RandN(sh, gen, dtype) * 0.5)]);
                }
            }

            result = ps.Select(p => Fixtures.Float64Values(p.Tensor)).Concat(state.M.Select(Fixtures.Float64Values)).Concat(state.H.Select(Fixtures.Float64Values)).ToArray();
        }

        foreach (var p in ps) p.Tensor.Dispose();
        return result;
    }

    [Theory]
    [InlineData(DType.Float32, 0.965, 0.2, false)]  // the built-ins' recipe
    [InlineData(DType.Float32, 0.965, null, false)] // no decay transform
    [InlineData(DType.Float32, 0.965, 0.0, false)]  // a decay transform with λ = 0
    [InlineData(DType.Float32, 0.3, 0.2, false)]    // 1 − β1 = 0.7: lerp's other formula
    [InlineData(DType.Float64, 0.965, 0.2, false)]
    [InlineData(DType.Float64, 0.3, null, false)]
    [InlineData(DType.Float32, 0.965, 0.2, true)]   // inside another chain: the update is written to the gradients
    [InlineData(DType.Float64, 0.965, 0.2, true)]
    public void FusedStepEqualsTheComposedStep(DType dtype, double beta1, double? weightDecay, bool clip)
    {
        Assert.True(Recipe(true, beta1, weightDecay).IsFused);
        var fused = Run(Recipe(true, beta1, weightDecay), dtype, transposedGrad: false, clip);
        var plain = Run(Recipe(false, beta1, weightDecay), dtype, transposedGrad: false, clip);
        AtenMultiplyAdd.AssertClose(fused, plain, dtype);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void FusedStepWithTransferMultipliersEqualsTheComposedStep(DType dtype)
    {
        // Per tensor its own η·m_η and λ·m_λ/m_η (m_λ = 0 turns the decay of one tensor into + 0·w).
        TransferMultipliers[] m = [new(0.25, 0.5, 1), new(2, 0, 1), new(1, 1, 1), new(0.5, 3, 1)];
        var fused = Run(Recipe(true, 0.965, 0.2), dtype, false, false, m);
        var plain = Run(Recipe(false, 0.965, 0.2), dtype, false, false, m);
        AtenMultiplyAdd.AssertClose(fused, plain, dtype);
    }

    [Fact]
    public void BFloat16TakesTheComposedOps()
    {
        var fused = Run(Recipe(true, 0.965, 0.2), DType.BFloat16, false, false);
        var plain = Run(Recipe(false, 0.965, 0.2), DType.BFloat16, false, false);
        Fixtures.AssertBitIdentical(fused, plain);
    }

    [Fact]
    public void StridedGradientsTakeTheComposedOpsForTheirTensors()
    {
        var fused = Run(Recipe(true, 0.965, 0.2), DType.Float32, true, false);
        var plain = Run(Recipe(false, 0.965, 0.2), DType.Float32, true, false);
        for (int k = 0; k < fused.Length; k++)
        {
            if (k % Shapes.Length is 0 or 2) Fixtures.AssertBitIdentical([fused[k]], [plain[k]]);
        }

        AtenMultiplyAdd.AssertClose(fused, plain, DType.Float32);
    }

    [Fact]
    public void RecognisesOnlyTheSophiaRecipe()
    {
        var lr = new ScaleByLearningRate(new ConstantSchedule(0.1));
        var sophia = new ScaleBySophia(0.965, 0.99, 0.05, 1e-12);
        Assert.True(new Chain(sophia, new AddDecayedWeights(0.2), lr).IsFused);
        Assert.True(new Chain(sophia, lr).IsFused);
        Assert.False(new Chain(sophia, new AddDecayedWeights(0.2), lr) { AllowFusion = false }.IsFused);
        Assert.False(new Chain(sophia, new AddDecayedWeights(0.2, AddDecayedWeights.ExcludeBiasAndNorm), lr).IsFused);
        Assert.False(new Chain(sophia, lr, new AddDecayedWeights(0.2)).IsFused);
        Assert.False(new Chain(sophia).IsFused);
    }

    [Fact]
    public void FusedStepMatchesAFloat64LoopOfTheFormulas()
    {
        // m ← β1·m + (1 − β1)·g; u = clamp(m / max(ρh, ε), −1, 1); w ← w − η(u + λw); h ← β2·h + (1 − β2)·ĥ every 3 steps.
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.9, rho = 1.0, eps = 1e-12, wd = 0.2;
        const int n = 1000, steps = 20;
        using var gen = new Generator(6);
        using var scope = new DisposeScope();
        var w0 = Tensor.RandN([n], gen, DType.Float64);
        var p = new ModelParameter("w", DisposeScope.Detach(w0.Clone()).RequiresGradInPlace(), ParameterType.Weight);
        double[] w = w0.ToArray<double>(), m = new double[n], h = new double[n];
        int clipped = 0, free = 0;
        using (var opt = new TransformOptimizer([p], new Chain(new ScaleBySophia(beta1, beta2, rho, eps), new AddDecayedWeights(wd), new ScaleByLearningRate(new ConstantSchedule(lr)))))
        {
            Assert.True(((Chain)opt.Transform).IsFused);
            var state = Find(opt.State)!;
            for (int t = 1; t <= steps; t++)
            {
                var g = Tensor.RandN([n], gen, DType.Float64);
                p.Tensor.Grad = g;
                Assert.True(opt.Step());
                double[] gv = g.ToArray<double>();
                for (int i = 0; i < n; i++)
                {
                    m[i] = (beta1 * m[i]) + ((1 - beta1) * gv[i]);
                    double ratio = m[i] / Math.Max(rho * h[i], eps);
                    if (Math.Abs(ratio) >= 1) clipped++;
                    else free++;
                    w[i] -= lr * (Math.Clamp(ratio, -1, 1) + (wd * w[i]));
                }

                double[] got = p.Tensor.ToArray<double>();
                for (int i = 0; i < n; i++) Assert.True(Math.Abs(got[i] - w[i]) <= 1e-13 * Math.Max(1, Math.Abs(w[i])), $"step {t} w[{i}]: {got[i]:R} vs {w[i]:R}");
                if (t % 3 == 0)
                {
                    var e = Tensor.RandN([n], gen, DType.Float64).Abs() * 0.3;
                    state.UpdateHessianDiagonal([e]);
                    double[] ev = e.ToArray<double>();
                    for (int i = 0; i < n; i++) h[i] = (beta2 * h[i]) + ((1 - beta2) * ev[i]);
                }
            }

            Assert.Equal(h, state.H[0].ToArray<double>(), (a, b) => Math.Abs(a - b) <= 1e-15 * Math.Max(1, Math.Abs(b)));
        }

        Assert.True(clipped > 1000 && free > 1000, $"clipped {clipped}, not clipped {free}: the test should see both");
        p.Tensor.Dispose();
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EmaManyEqualsTheComposedOps(DType dtype)
    {
        // h.MulInPlace(β).AddInPlace(s, w) bit for bit (ATen's add with a factor is the same multiply-add);
        // h.MulInPlace(β).AddCMulInPlace(s, s, w) up to one rounding (addcmul's multiply-add may not be fused in ATen).
        const double beta = 0.99, weight = 0.01 * 128;
        double ulp = dtype == DType.Float32 ? Math.Pow(2, -23) : Math.Pow(2, -52);
        using var scope = new DisposeScope();
        using var gen = new Generator(10);
        long[][] shapes = [[37, 5], [300, 200], [3]];
        var linear = shapes.Select(s => Tensor.RandN(s, gen, dtype)).ToArray();
        var square = shapes.Select(s => Tensor.RandN(s, gen, dtype).Abs()).ToArray();
        for (int step = 0; step < 20; step++)
        {
            using var stepScope = new DisposeScope();
            var src = shapes.Select(s => Tensor.RandN(s, gen, dtype)).ToArray();
            var linearPlain = linear.Select(t => t.Clone()).ToArray();
            var squarePlain = square.Select(t => t.Clone()).ToArray();
            FusedSteps.EmaManyInPlace(linear, src, beta, 1 - beta, square: false);
            FusedSteps.EmaManyInPlace(square, src, beta, weight, square: true);
            for (int k = 0; k < shapes.Length; k++)
            {
                linearPlain[k].MulInPlace(beta).AddInPlace(src[k], 1 - beta);
                squarePlain[k].MulInPlace(beta).AddCMulInPlace(src[k], src[k], weight);
                Fixtures.AssertBitIdentical([Fixtures.Float64Values(linear[k])], [Fixtures.Float64Values(linearPlain[k])]);
                var a = Fixtures.Float64Values(square[k]);
                var e = Fixtures.Float64Values(squarePlain[k]);
                if (AtenMultiplyAdd.LerpAndAddCMulFused) Fixtures.AssertBitIdentical([a], [e]);
                for (int i = 0; i < a.Length; i++)
                {
                    // Both terms are ≥ 0: one rounding of the sum is within an ulp of it.
                    Assert.True(Math.Abs(a[i] - e[i]) <= 2 * ulp * e[i], $"[{k}][{i}] fused {a[i]:R} vs composed {e[i]:R}");
                }

                square[k].CopyInPlace(squarePlain[k]); // one step's rounding at a time
            }
        }
    }

    [Fact]
    public void EmaManyOfAStridedPairIsTheComposedOps()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(12);
        var fused = Tensor.RandN([5, 8], gen);
        var plain = fused.Clone();
        var s = Tensor.RandN([8, 5], gen).T();
        FusedSteps.EmaManyInPlace([fused], [s], 0.9, 0.3, square: true);
        plain.MulInPlace(0.9).AddCMulInPlace(s, s, 0.3);
        Assert.Equal(plain.ToArray<float>(), fused.ToArray<float>());
    }

    [Fact]
    public void MismatchedListsAreRefused()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Zeros([3]);
        var e = Assert.Throws<ArgumentException>(() => FusedSteps.SophiaInPlace([w], [w], [w], [w], [0.0], [], 0.965, 0.05, 1e-12, true, true));
        Assert.Contains("lists differ in length: parameters 1, grads 1, momenta 1, hessians 1, weightDecays 1, scales 0", e.Message);
        var ema = Assert.Throws<ArgumentException>(() => FusedSteps.EmaManyInPlace([w, w], [w], 0.9, 0.1, square: false));
        Assert.Contains("lists differ in length: targets 2, sources 1", ema.Message);
    }
}
