using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// The fused SGD-with-momentum path (Chain peephole → FusedSteps.MomentumInPlace) against the transform-by-transform
/// path it replaces: bit for bit over 24 steps, for every switch, dtype and layout, with and without width-transfer
/// multipliers.
/// </summary>
public sealed class FusedMomentumTests
{
    private const int Steps = 24;

    private static Chain Recipe(bool fused, double momentum, bool nesterov, double? weightDecay)
    {
        // A warm-up + cosine schedule, so the learning rate differs at every step.
        var lr = new ScaleByLearningRate(new WarmupCosineSchedule(0.1, 5, Steps));
        var m = new ScaleByMomentum(momentum, nesterov);
        return weightDecay is { } wd ? new Chain(new AddDecayedWeights(wd), m, lr) { AllowFusion = fused } : new Chain(m, lr) { AllowFusion = fused };
    }

    // w has 37 × 5 = 185 elements (the vectorized loop's full lanes and its scalar tail); big has 60,000, so the one
    // parallel region over all elements cuts a tensor between the threads; the conv kernel is 4-D.
    private static double[][] Run(Chain recipe, DType dtype, bool transposedGrad, bool clip, TransferMultipliers[]? multipliers = null)
    {
        using var gen = new Generator(11);
        long[][] shapes = [[37, 5], [4], [300, 200], [8, 3, 3, 3]];
        var ps = new ModelParameter[shapes.Length];
        for (int k = 0; k < shapes.Length; k++)
        {
            var t = DisposeScope.Detach(Tensor.RandN(shapes[k], gen, dtype)).RequiresGradInPlace();
            ps[k] = new ModelParameter("p" + k, t, shapes[k].Length == 1 ? ParameterType.Bias : ParameterType.Weight);
        }

        using (var opt = new TransformOptimizer(ps, clip ? new Chain(new ClipByGlobalNorm(1.0), recipe) : recipe, multipliers: multipliers))
        {
            for (int s = 0; s < Steps; s++)
            {
                using var scope = new DisposeScope();
                for (int k = 0; k < ps.Length; k++)
                {
                    // A transposed (non-contiguous) gradient sends that tensor down the ATen fallback of the fused kernel.
                    var shape = shapes[k];
                    ps[k].Tensor.Grad = transposedGrad && shape.Length == 2
                        ? Tensor.RandN([shape[1], shape[0]], gen, dtype).T()
                        : Tensor.RandN(shape, gen, dtype);
                }

                Assert.True(opt.Step());
            }
        }

        var result = ps.Select(p => p.Tensor.To(DType.Float64).ToArray<double>()).ToArray();
        foreach (var p in ps) p.Tensor.Dispose();
        return result;
    }

    [Theory]
    [InlineData(true, 5e-4, DType.Float32, false, false, 0.9)]   // sgd_nesterov's recipe
    [InlineData(true, null, DType.Float32, false, false, 0.9)]   // no decay transform
    [InlineData(true, 0.0, DType.Float32, false, false, 0.9)]    // a decay transform with λ = 0
    [InlineData(false, 0.01, DType.Float32, false, false, 0.9)]  // heavy ball
    [InlineData(false, null, DType.Float32, false, false, 0.5)]
    [InlineData(true, 0.01, DType.Float64, false, false, 0.99)]
    [InlineData(false, 0.01, DType.Float64, false, false, 0.0)]  // μ = 0: plain SGD
    [InlineData(true, 0.01, DType.Float32, true, false, 0.9)]    // strided gradients: the ATen fallback for those tensors
    [InlineData(true, 5e-4, DType.Float32, false, true, 0.9)]    // inside another chain: the update is written to the gradients
    [InlineData(false, 5e-4, DType.Float64, false, true, 0.9)]
    [InlineData(true, 5e-4, DType.BFloat16, false, false, 0.9)]  // not a float32/float64 tensor: the ATen fallback
    public void FusedStepIsBitIdenticalToTheComposedStep(bool nesterov, double? weightDecay, DType dtype, bool transposedGrad, bool clip, double momentum)
    {
        var fused = Run(Recipe(true, momentum, nesterov, weightDecay), dtype, transposedGrad, clip);
        var plain = Run(Recipe(false, momentum, nesterov, weightDecay), dtype, transposedGrad, clip);
        Fixtures.AssertBitIdentical(fused, plain);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void FusedStepWithTransferMultipliersIsBitIdentical(DType dtype)
    {
        // Per tensor its own η·m_η and λ·m_λ/m_η (m_λ = 0 switches the decay of one tensor off).
        TransferMultipliers[] m = [new(0.25, 0.5, 1), new(2, 0, 1), new(1, 1, 1), new(0.5, 3, 1)];
        var fused = Run(Recipe(true, 0.9, true, 0.01), dtype, false, false, m);
        var plain = Run(Recipe(false, 0.9, true, 0.01), dtype, false, false, m);
        Fixtures.AssertBitIdentical(fused, plain);
    }

    [Fact]
    public void RecognisesOnlyTheMomentumRecipe()
    {
        var lr = new ScaleByLearningRate(new ConstantSchedule(0.1));
        Assert.True(Recipe(true, 0.9, true, 5e-4).IsFused);
        Assert.True(Recipe(true, 0.9, false, null).IsFused);
        Assert.False(Recipe(false, 0.9, true, 5e-4).IsFused);
        Assert.False(new Chain(new AddDecayedWeights(0.1, AddDecayedWeights.ExcludeBiasAndNorm), new ScaleByMomentum(0.9, true), lr).IsFused);
        Assert.False(new Chain(new ScaleByMomentum(0.9, true), new AddDecayedWeights(0.1), lr).IsFused);
        Assert.False(new Chain(new ScaleByMomentum(0.9, true)).IsFused);
    }

    [Fact]
    public void AppliedStepLeavesTheGradientsAndMatchesTheClosedForm()
    {
        // Two steps of Nesterov SGD with coupled decay on one float64 weight: d = g + λw; b ← μb + d; w ← w − η(d + μb).
        const double lr = 0.1, mu = 0.9, wd = 0.01;
        var p = Fixtures.Param("w", [1.0, -2.0]);
        using var opt = new TransformOptimizer([p], new Chain(new AddDecayedWeights(wd), new ScaleByMomentum(mu, nesterov: true), new ScaleByLearningRate(new ConstantSchedule(lr))));
        Assert.True(((Chain)opt.Transform).IsFused);
        double[] w = [1.0, -2.0], b = [0, 0];
        double[][] grads = [[0.5, 0.25], [-1.0, 2.0]];
        for (int s = 0; s < grads.Length; s++)
        {
            var g = grads[s];
            Fixtures.SetGrad(p, g);
            opt.Step();
            using (var grad = p.Tensor.Grad!)
            {
                Assert.Equal(g, grad.ToArray<double>());
            }

            for (int i = 0; i < w.Length; i++)
            {
                double d = g[i] + (wd * w[i]);
                b[i] = (mu * b[i]) + d;
                w[i] -= lr * (d + (mu * b[i]));
            }

            // Step 1 by hand: d = (0.51, 0.23), b = d, w = (1 − 0.1·1.9·0.51, −2 − 0.1·1.9·0.23) = (0.9031, −2.0437).
            if (s == 0) Assert.Equal(new[] { 0.9031, -2.0437 }, Fixtures.Values(p), (x, y) => Math.Abs(x - y) < 1e-15);
            Assert.Equal(w, Fixtures.Values(p), (x, y) => Math.Abs(x - y) < 1e-15);
        }

        p.Tensor.Dispose();
    }

    [Fact]
    public void MismatchedListsAreRefused()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Zeros([3]);
        var e = Assert.Throws<ArgumentException>(() => FusedSteps.MomentumInPlace([w], [w], [], [0.0], [1.0], 0.9, true, false, true));
        Assert.Contains("lists differ in length: parameters 1, grads 1, buffers 0", e.Message);
    }
}
