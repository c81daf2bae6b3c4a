using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>The fused Adam path (Chain peephole → FusedSteps.AdamInPlace) against the transform-by-transform path.</summary>
public sealed class FusedAdamTests
{
    private static IGradientTransform Recipe(bool fused, bool nesterov, double wd, double beta1 = 0.9) =>
        new Chain(new ScaleByAdam(beta1, 0.99, 1e-8, nesterov), new AddDecayedWeights(wd), new ScaleByLearningRate(new ConstantSchedule(0.01))) { AllowFusion = fused };

    // w has 37 × 5 = 185 elements: the vectorized loop's full lanes and its scalar tail.
    private static float[][] Run(bool fused, bool nesterov, double wd, DType dtype, bool transposedGrad, bool clip, double beta1)
    {
        using var gen = new Generator(5);
        var w = DisposeScope.Detach(Tensor.RandN([37, 5], gen, dtype)).RequiresGradInPlace();
        var b = DisposeScope.Detach(Tensor.RandN([4], gen, dtype)).RequiresGradInPlace();
        ModelParameter[] ps = [new("w", w, ParameterType.Weight), new("b", b, ParameterType.Bias)];
        var recipe = Recipe(fused, nesterov, wd, beta1);
        using var opt = new TransformOptimizer(ps, clip ? new Chain(new ClipByGlobalNorm(1.0), recipe) : recipe);
        for (int s = 0; s < 10; s++)
        {
            using var scope = new DisposeScope();
            // A transposed (non-contiguous) gradient sends that tensor down the ATen fallback of the fused kernel.
            w.Grad = transposedGrad ? Tensor.RandN([5, 37], gen, dtype).T() : Tensor.RandN([37, 5], gen, dtype);
            b.Grad = Tensor.RandN([4], gen, dtype);
            opt.Step();
        }

        float[][] r = [w.To(DType.Float32).ToArray<float>(), b.To(DType.Float32).ToArray<float>()];
        w.Dispose();
        b.Dispose();
        return r;
    }

    [Theory]
    [InlineData(false, 0.1, DType.Float32, false, false, 0.9)]
    [InlineData(true, 0.1, DType.Float32, false, false, 0.9)]
    [InlineData(false, 0.0, DType.Float64, false, false, 0.9)]
    [InlineData(false, 0.1, DType.Float32, true, false, 0.9)]
    [InlineData(true, 0.1, DType.Float64, false, true, 0.9)]
    [InlineData(false, 0.1, DType.BFloat16, false, false, 0.9)]
    [InlineData(false, 0.1, DType.Float32, false, false, 0.3)] // 1 − β₁ ≥ 0.5: ATen's other lerp formula
    [InlineData(true, 0.0, DType.Float32, false, false, 0.3)]
    public void FusedStepEqualsTheComposedStep(bool nesterov, double wd, DType dtype, bool transposedGrad, bool clip, double beta1)
    {
        var fused = Run(true, nesterov, wd, dtype, transposedGrad, clip, beta1);
        var plain = Run(false, nesterov, wd, dtype, transposedGrad, clip, beta1);
        double tol = dtype == DType.BFloat16 ? 1e-2 : 1e-6;
        for (int k = 0; k < fused.Length; k++)
        {
            for (int i = 0; i < fused[k].Length; i++) Assert.True(Math.Abs(fused[k][i] - plain[k][i]) <= tol, $"[{k}][{i}] {fused[k][i]} vs {plain[k][i]}");
        }
    }

    [Fact]
    public void RecognisesOnlyTheAdamRecipe()
    {
        Assert.True(((Chain)Recipe(true, false, 0.1)).IsFused);
        Assert.False(((Chain)Recipe(false, false, 0.1)).IsFused);
        Assert.False(new Chain(new ScaleByAdam(), new ScaleByMomentum(0.9, true), new ScaleByLearningRate(new ConstantSchedule(1))).IsFused);
        Assert.False(new Chain(new ScaleByAdam(), new AddDecayedWeights(0.1, AddDecayedWeights.ExcludeBiasAndNorm), new ScaleByLearningRate(new ConstantSchedule(1))).IsFused);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.BFloat16)]
    public void AllFiniteFindsNaNAndInfinityAnywhere(DType dtype)
    {
        using var scope = new DisposeScope();
        var big = Tensor.Zeros([300_000], dtype);
        var small = Tensor.Ones([3], dtype);
        var ints = Tensor.Arange(5);
        Assert.True(FusedSteps.AllFinite([big, small, ints]));
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var t = Tensor.Zeros([300_000], dtype);
            t.Narrow(0, 299_999, 1).FillInPlace(bad);
            Assert.False(FusedSteps.AllFinite([small, t]));
        }

        Assert.True(FusedSteps.AllFinite([]));
    }
}
