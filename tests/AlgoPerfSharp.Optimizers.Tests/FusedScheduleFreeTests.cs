using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Schedule-Free AdamW's fused update (<see cref="FusedSteps.ScheduleFreeInPlace"/>) against the ATen ops it replaces
/// (<see cref="ScaleByScheduleFree.AllowFusion"/> = false) over 24 steps, float32 and float64, both lerp formulas, with
/// and without decay; bit-identical where both take the ATen ops (strided gradients, bfloat16); and against a float64
/// loop written from the formulas. <see cref="FusedSteps.LerpInto"/>, the one formula of y, against ATen's lerp.
/// </summary>
public sealed class FusedScheduleFreeTests
{
    private const int Steps = 24;

    // 37 × 5 = 185 elements (the vectorized loop's lanes and its scalar tail), a bias, 60,000 elements (cut between the
    // threads of the one parallel region) and a 4-D conv kernel.
    private static readonly long[][] Shapes = [[37, 5], [4], [300, 200], [8, 3, 3, 3]];

    private static ScaleByScheduleFree Transform(bool fused, double beta1, double wd) =>
        new(beta1, 0.999, 1e-8, wd, new WarmupCosineSchedule(0.05, 5, Steps), weightLrPower: 2, r: 0.75) { AllowFusion = fused };

    /// <summary>The parameters (y) and the state's z, x, v after <see cref="Steps"/> steps, each as float64 values.</summary>
    private static double[][] Run(ScaleByScheduleFree transform, DType dtype, bool transposedGrad)
    {
        using var gen = new Generator(21);
        var ps = new ModelParameter[Shapes.Length];
        for (int k = 0; k < Shapes.Length; k++)
        {
            var t = DisposeScope.Detach(Tensor.RandN(Shapes[k], gen, dtype)).RequiresGradInPlace();
            ps[k] = new ModelParameter("p" + k, t, Shapes[k].Length == 1 ? ParameterType.Bias : ParameterType.Weight);
        }

        double[][] result;
        using (var opt = new TransformOptimizer(ps, transform))
        {
            for (int s = 0; s < Steps; s++)
            {
                using var scope = new DisposeScope();
                for (int k = 0; k < ps.Length; k++)
                {
                    // A transposed (non-contiguous) gradient sends that tensor down the ATen fallback of the fused kernel.
                    var shape = Shapes[k];
                    ps[k].Tensor.Grad = transposedGrad && shape.Length == 2
                        ? Tensor.RandN([shape[1], shape[0]], gen, dtype).T()
                        : Tensor.RandN(shape, gen, dtype);
                }

                Assert.True(opt.Step());
            }

            var state = (ScheduleFreeState)opt.State;
            result = ps.Select(p => Fixtures.Float64Values(p.Tensor)).Concat(state.Z.Select(Fixtures.Float64Values)).Concat(state.X.Select(Fixtures.Float64Values)).Concat(state.V.Select(Fixtures.Float64Values)).ToArray();
        }

        foreach (var p in ps) p.Tensor.Dispose();
        return result;
    }

    [Theory]
    [InlineData(DType.Float32, 0.9, 0.08)]   // the built-in's point: y = lerp(x, z, 0.1)
    [InlineData(DType.Float32, 0.3, 0.0)]    // 1 − β1 = 0.7: lerp's other formula; no decay
    [InlineData(DType.Float64, 0.9, 0.08)]
    [InlineData(DType.Float64, 0.0, 0.5)]    // β1 = 0: y = z
    public void FusedStepEqualsTheComposedOps(DType dtype, double beta1, double wd)
    {
        var fused = Run(Transform(true, beta1, wd), dtype, transposedGrad: false);
        var plain = Run(Transform(false, beta1, wd), dtype, transposedGrad: false);
        AtenMultiplyAdd.AssertClose(fused, plain, dtype);
    }

    [Theory]
    [InlineData(DType.BFloat16, false)] // not float32/float64: every tensor takes the ATen ops
    [InlineData(DType.Float32, true)]   // transposed gradients: the 2-D tensors take the ATen ops, the others the loop
    public void FallbacksTakeTheComposedOps(DType dtype, bool transposedGrad)
    {
        var fused = Run(Transform(true, 0.9, 0.08), dtype, transposedGrad);
        var plain = Run(Transform(false, 0.9, 0.08), dtype, transposedGrad);
        if (dtype == DType.BFloat16)
        {
            Fixtures.AssertBitIdentical(fused, plain);
            return;
        }

        // The 2-D parameters (indices 0 and 2 of each group of four) took the same ATen ops on both paths.
        for (int k = 0; k < fused.Length; k++)
        {
            if (k % Shapes.Length is 0 or 2) Fixtures.AssertBitIdentical([fused[k]], [plain[k]]);
        }

        AtenMultiplyAdd.AssertClose(fused, plain, dtype);
    }

    [Fact]
    public void FusedStepMatchesAFloat64LoopOfTheFormulas()
    {
        // z ← z − γλy; v ← β2v + (1 − β2)g²; z ← z − γg/(√v + ε); x ← (1 − c)x + cz; y ← β1x + (1 − β1)z, with
        // γ = η√(1 − β2ᵗ), lr_max = max γ, c = tʳ·lr_max^p / Σ, η constant.
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.99, eps = 1e-8, wd = 0.1, r = 0.75, power = 2;
        const int n = 1000, steps = 20;
        using var gen = new Generator(5);
        using var scope = new DisposeScope();
        var w0 = Tensor.RandN([n], gen, DType.Float64);
        var p = new ModelParameter("w", DisposeScope.Detach(w0.Clone()).RequiresGradInPlace(), ParameterType.Weight);
        double[] y = w0.ToArray<double>(), z = (double[])y.Clone(), x = (double[])y.Clone(), v = new double[n];
        double lrMax = 0, weightSum = 0;
        using (var opt = new TransformOptimizer([p], new ScaleByScheduleFree(beta1, beta2, eps, wd, new ConstantSchedule(lr), power, r)))
        {
            for (int t = 1; t <= steps; t++)
            {
                var g = Tensor.RandN([n], gen, DType.Float64);
                p.Tensor.Grad = g;
                Assert.True(opt.Step());
                double[] gv = g.ToArray<double>();
                double gamma = lr * Math.Sqrt(1 - Math.Pow(beta2, t));
                lrMax = Math.Max(lrMax, gamma);
                double weight = Math.Pow(t, r) * Math.Pow(lrMax, power);
                weightSum += weight;
                double c = weight / weightSum;
                for (int i = 0; i < n; i++)
                {
                    z[i] -= gamma * wd * y[i];
                    v[i] = (beta2 * v[i]) + ((1 - beta2) * gv[i] * gv[i]);
                    z[i] -= gamma * gv[i] / (Math.Sqrt(v[i]) + eps);
                    x[i] = ((1 - c) * x[i]) + (c * z[i]);
                    y[i] = (beta1 * x[i]) + ((1 - beta1) * z[i]);
                }

                double[] got = p.Tensor.ToArray<double>();
                for (int i = 0; i < n; i++) Assert.True(Math.Abs(got[i] - y[i]) <= 1e-13 * Math.Max(1, Math.Abs(y[i])), $"step {t} y[{i}]: {got[i]:R} vs {y[i]:R}");
            }

            var state = (ScheduleFreeState)opt.State;
            double[] gotX = state.X[0].ToArray<double>(), gotV = state.V[0].ToArray<double>();
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(gotX[i] - x[i]) <= 1e-13 * Math.Max(1, Math.Abs(x[i])), $"x[{i}]: {gotX[i]:R} vs {x[i]:R}");
                Assert.True(Math.Abs(gotV[i] - v[i]) <= 1e-14 * Math.Max(1e-3, Math.Abs(v[i])), $"v[{i}]: {gotV[i]:R} vs {v[i]:R}");
            }
        }

        p.Tensor.Dispose();
    }

    [Theory]
    [InlineData(DType.Float32, 0.1)]
    [InlineData(DType.Float32, 0.7)]  // lerp's other formula
    [InlineData(DType.Float64, 0.1)]
    public void LerpIntoEqualsLerpInPlaceUpToOneRounding(DType dtype, double weight)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(8);
        long[][] shapes = [[37, 5], [300, 200], [3]];
        var a = shapes.Select(s => Tensor.RandN(s, gen, dtype)).ToArray();
        var b = shapes.Select(s => Tensor.RandN(s, gen, dtype)).ToArray();
        var fused = shapes.Select(s => Tensor.Zeros(s, dtype)).ToArray();
        FusedSteps.LerpInto(fused, a, b, weight);
        double ulp = dtype == DType.Float64 ? Math.Pow(2, -52) : Math.Pow(2, -23);
        for (int k = 0; k < shapes.Length; k++)
        {
            var plain = Fixtures.Float64Values(a[k].Clone().LerpInPlace(b[k], weight));
            var got = Fixtures.Float64Values(fused[k]);
            var av = Fixtures.Float64Values(a[k]);
            var bv = Fixtures.Float64Values(b[k]);
            if (AtenMultiplyAdd.LerpAndAddCMulFused) Fixtures.AssertBitIdentical([got], [plain]);
            for (int i = 0; i < got.Length; i++)
            {
                // One rounding of a product no larger than the operands: within an ulp of the largest of them.
                double bound = 2 * ulp * Math.Max(Math.Abs(plain[i]), Math.Max(Math.Abs(av[i]), Math.Abs(bv[i])));
                Assert.True(Math.Abs(got[i] - plain[i]) <= bound, $"[{k}][{i}] LerpInto {got[i]:R} vs LerpInPlace {plain[i]:R}");
            }
        }
    }

    [Fact]
    public void LerpIntoOfAStridedTripleIsCopyThenLerp()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(9);
        var a = Tensor.RandN([8, 5], gen).T();
        var b = Tensor.RandN([5, 8], gen);
        var fused = Tensor.Zeros([5, 8]);
        FusedSteps.LerpInto([fused], [a], [b], 0.1);
        var plain = Tensor.Zeros([5, 8]).CopyInPlace(a).LerpInPlace(b, 0.1);
        Assert.Equal(plain.ToArray<float>(), fused.ToArray<float>());
    }

    [Fact]
    public void MismatchedListsAreRefused()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Zeros([3]);
        var e = Assert.Throws<ArgumentException>(() => FusedSteps.ScheduleFreeInPlace([w], [w], [w], [], [w], 0, false, 0.9, 0.999, 1e-8, 0.1, 1));
        Assert.Contains("lists differ in length: parameters 1, grads 1, z 1, x 0, v 1", e.Message);
        var shapes = Assert.Throws<TorchException>(() => FusedSteps.LerpInto([w], [Tensor.Zeros([4])], [w], 0.5));
        Assert.Contains("lerp_into_: pair 0 has shapes", shapes.Message);
    }
}
