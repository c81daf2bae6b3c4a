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

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AllFiniteReadsEveryBitPatternWhereverItStands(DType dtype)
    {
        // The flat check reads exponent bits in blocks of 1024 and a tail, over ranges the threads cut anywhere: the
        // extreme finite values (largest, smallest normal, subnormal, −0, either sign) pass, and ±∞ or one NaN (either
        // sign, quiet or signalling, any payload) fails at the first element, either side of a block boundary, either
        // side of the cut between two threads (a tensor alone), in the tail, behind an offset and in a strided view.
        const int n = 200_004;
        using var scope = new DisposeScope();
        bool single = dtype == DType.Float32;
        long[] finite = single
            ? [0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x00000001, 0x80000001, 0x80000000]
            : [0x7fefffffffffffff, unchecked((long)0xffefffffffffffff), 0x0010000000000000, unchecked((long)0x8010000000000000), 1, unchecked((long)0x8000000000000001), unchecked((long)0x8000000000000000)];
        long[] bad = single
            ? [0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001]
            : [0x7ff0000000000000, unchecked((long)0xfff0000000000000), 0x7ff8000000000000, unchecked((long)0xfff8000000000001), 0x7ff0000000000001];
        Tensor Build(int at, long bits)
        {
            if (single)
            {
                var f = Enumerable.Range(0, n).Select(i => BitConverter.Int32BitsToSingle((int)finite[i % finite.Length])).ToArray();
                if (at >= 0) f[at] = BitConverter.Int32BitsToSingle((int)bits);
                return Tensor.From<float>(f);
            }

            var d = Enumerable.Range(0, n).Select(i => BitConverter.Int64BitsToDouble(finite[i % finite.Length])).ToArray();
            if (at >= 0) d[at] = BitConverter.Int64BitsToDouble(bits);
            return Tensor.From<double>(d);
        }

        var clean = Build(-1, 0);
        Assert.True(FusedSteps.AllFinite([clean, clean.Narrow(0, 3, n - 3), clean.Reshape(2, n / 2).T(), Tensor.Zeros([0], dtype)]));
        foreach (int at in new[] { 0, 1023, 1024, 100_001, 100_002, n - 300, n - 1 })
        {
            foreach (long bits in bad)
            {
                var t = Build(at, bits);
                Assert.False(FusedSteps.AllFinite([t]), $"{bits:x} at {at}");
                Assert.False(FusedSteps.AllFinite([clean, t]), $"{bits:x} at {at}, second tensor");
                Assert.False(FusedSteps.AllFinite([t.Narrow(0, at, n - at)]), $"{bits:x} at {at}, offset view");
                Assert.False(FusedSteps.AllFinite([t.Reshape(2, n / 2).T()]), $"{bits:x} at {at}, strided view");
            }
        }
    }
}
