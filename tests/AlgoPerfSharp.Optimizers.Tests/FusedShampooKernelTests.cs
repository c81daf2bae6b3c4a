using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// The fused and batched calls of the Shampoo family against the ATen ops they replace: the eigenvalue-corrected second
/// moment with its division (equal up to one rounding of D per step), the filtered gradient's lerp over every parameter
/// (equal up to one rounding), the application of a direction and the factor updates of many parameters (bit-identical).
/// </summary>
public sealed class FusedShampooKernelTests
{
    private const int Steps = 20;

    [Theory]
    [InlineData(DType.Float32, 37, 5)]    // lanes and a scalar tail
    [InlineData(DType.Float32, 300, 200)] // cut between the threads
    [InlineData(DType.Float64, 37, 5)]
    public void SecondMomentDivideEqualsTheComposedOps(DType dtype, long rows, long cols)
    {
        // 20 steps of D ← β2·D + w·r², then x / (√D + ε), both ways from the same D each step (the composed D is reset to
        // the fused one, so each comparison measures one step's rounding).
        const double beta2 = 0.999, weight = 0.001, eps = 3e-9;
        double ulp = dtype == DType.Float32 ? Math.Pow(2, -23) : Math.Pow(2, -52);
        using var scope = new DisposeScope();
        using var gen = new Generator(3);
        var dFused = Tensor.RandN([rows, cols], gen, dtype).Abs();
        var dPlain = dFused.Clone();
        for (int s = 0; s < Steps; s++)
        {
            using var stepScope = new DisposeScope();
            var r = Tensor.RandN([rows, cols], gen, dtype);
            var xFused = Tensor.RandN([rows, cols], gen, dtype);
            var xPlain = xFused.Clone();
            dPlain.CopyInPlace(dFused);
            FusedSteps.SecondMomentDivideInPlace(dFused, r, xFused, beta2, weight, eps);
            dPlain.MulInPlace(beta2).AddCMulInPlace(r, r, weight);
            xPlain.DivInPlace(dPlain.Sqrt().AddInPlace(eps));

            // D: one rounding apart at most (a fused or a separate multiply-add); x: the root and division of that.
            AssertRelativelyClose(dPlain, dFused, 2 * ulp, "D");
            AssertRelativelyClose(xPlain, xFused, 4 * ulp, "x");
        }
    }

    [Fact]
    public void SecondMomentDivideOfStridedTensorsIsTheComposedOps()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(4);
        var dFused = Tensor.RandN([6, 9], gen).Abs().T();
        var dPlain = dFused.Clone();
        var r = Tensor.RandN([9, 6], gen);
        var xFused = Tensor.RandN([9, 6], gen);
        var xPlain = xFused.Clone();
        FusedSteps.SecondMomentDivideInPlace(dFused, r, xFused, 0.95, 0.05, 1e-8);
        dPlain.MulInPlace(0.95).AddCMulInPlace(r, r, 0.05);
        xPlain.DivInPlace(dPlain.Sqrt().AddInPlace(1e-8));
        Assert.Equal(dPlain.Contiguous().ToArray<float>(), dFused.Contiguous().ToArray<float>());
        Assert.Equal(xPlain.ToArray<float>(), xFused.ToArray<float>());
    }

    [Theory]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, false)]
    [InlineData(DType.Float32, true)] // a strided direction: the ATen fallback for that pair
    public void ApplyDirectionsIsBitIdenticalToTheComposedOps(DType dtype, bool strided)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(5);
        long[][] shapes = [[37, 5], [300, 200], [7]];
        double[] before = [1 - 1e-3, 1, 1 - 0.25], alpha = [-0.01, -3e-4, 2.5], after = [1, 1 - 2e-3, 0.5];
        var wFused = shapes.Select(sh => Tensor.RandN(sh, gen, dtype)).ToArray();
        var wPlain = wFused.Select(w => w.Clone()).ToArray();
        for (int s = 0; s < Steps; s++)
        {
            using var stepScope = new DisposeScope();
            var p = shapes.Select(sh => strided && sh.Length == 2 ? Tensor.RandN([sh[1], sh[0]], gen, dtype).T() : Tensor.RandN(sh, gen, dtype)).ToArray();
            FusedSteps.ApplyDirectionsInPlace(wFused, p, before, alpha, after);
            for (int k = 0; k < shapes.Length; k++)
            {
                // Chain's former per-parameter ops: a factor of 1 was skipped, which multiplying by 1 equals exactly.
                if (before[k] != 1) wPlain[k].MulInPlace(before[k]);
                wPlain[k].AddInPlace(p[k], alpha[k]);
                if (after[k] != 1) wPlain[k].MulInPlace(after[k]);
            }
        }

        for (int k = 0; k < shapes.Length; k++)
        {
            var a = wFused[k].To(DType.Float64).ToArray<double>();
            var b = wPlain[k].To(DType.Float64).ToArray<double>();
            for (int i = 0; i < a.Length; i++) Assert.True(BitConverter.DoubleToInt64Bits(a[i]) == BitConverter.DoubleToInt64Bits(b[i]), $"[{k}][{i}] {a[i]:R} vs {b[i]:R}");
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LerpManyEqualsLerpInPlaceUpToOneRounding(DType dtype)
    {
        // Weights below and above 0.5 take ATen's two formulas; the 60,000-element pair is cut between the threads.
        double ulp = dtype == DType.Float32 ? Math.Pow(2, -23) : Math.Pow(2, -52);
        using var scope = new DisposeScope();
        using var gen = new Generator(6);
        long[][] shapes = [[37, 5], [300, 200], [3]];
        double[] weights = [0.1, 0.001, 0.7];
        var mFused = shapes.Select(sh => Tensor.RandN(sh, gen, dtype)).ToArray();
        for (int s = 0; s < Steps; s++)
        {
            using var stepScope = new DisposeScope();
            var g = shapes.Select(sh => Tensor.RandN(sh, gen, dtype)).ToArray();
            var mPlain = mFused.Select(m => m.Clone()).ToArray();
            var m0 = mFused.Select(m => m.To(DType.Float64).ToArray<double>()).ToArray();
            FusedSteps.LerpManyInPlace(mFused, g, weights);
            for (int k = 0; k < shapes.Length; k++)
            {
                mPlain[k].LerpInPlace(g[k], weights[k]);
                // One rounding of a product of at most the inputs' size: bounded by an ulp of the largest operand.
                var a = mFused[k].To(DType.Float64).ToArray<double>();
                var e = mPlain[k].To(DType.Float64).ToArray<double>();
                var gk = g[k].To(DType.Float64).ToArray<double>();
                for (int i = 0; i < a.Length; i++)
                {
                    double bound = 2 * ulp * Math.Max(Math.Abs(e[i]), Math.Max(Math.Abs(gk[i]), Math.Abs(m0[k][i])));
                    Assert.True(Math.Abs(a[i] - e[i]) <= bound, $"[{k}][{i}] fused {a[i]:R} vs LerpInPlace {e[i]:R}");
                }

                mFused[k].CopyInPlace(mPlain[k]); // compare one step's rounding at a time
            }
        }
    }

    [Fact]
    public void LerpManyOfAStridedPairIsLerpInPlace()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(7);
        var mFused = Tensor.RandN([5, 8], gen);
        var mPlain = mFused.Clone();
        var g = Tensor.RandN([8, 5], gen).T();
        FusedSteps.LerpManyInPlace([mFused], [g], [0.1]);
        mPlain.LerpInPlace(g, 0.1);
        Assert.Equal(mPlain.ToArray<float>(), mFused.ToArray<float>());
    }

    [Theory]
    [InlineData(false)] // one 512-row syrk outweighs the rest: the updates run in turn
    [InlineData(true)]  // four equal updates: dealt two per thread
    public void SymmetricRankKManyIsEachAddSymmetricRankKBitForBit(bool equal)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(8);
        (long Rows, long Cols, bool Transposed)[] shapes = equal
            ? [(24, 40, false), (24, 40, true), (24, 40, false), (24, 40, true)]
            : [(512, 8, false), (24, 40, false), (24, 40, true), (6, 36, false)];
        var a = shapes.Select(s => s.Transposed ? Tensor.RandN([s.Cols, s.Rows], gen).T() : Tensor.RandN([s.Rows, s.Cols], gen)).ToArray();
        var fMany = shapes.Select(s => { var x = Tensor.RandN([s.Rows, s.Rows], gen); return x.Add(x.T()); }).ToArray();
        var fOne = fMany.Select(f => f.Clone()).ToArray();
        double[] betas = [0.9, 0.5, 1, 0.99], alphas = [0.1, 2, 1, 0.01];
        FusedSteps.SymmetricRankKManyInPlace(fMany, a, betas, alphas);
        for (int i = 0; i < shapes.Length; i++)
        {
            fOne[i].AddSymmetricRankKInPlace(a[i], betas[i], alphas[i]);
            Assert.Equal(fOne[i].ToArray<float>(), fMany[i].ToArray<float>());
        }
    }

    [Fact]
    public void SymmetricRankKManyRefusesAFactorWithOtherRows()
    {
        using var scope = new DisposeScope();
        var e = Assert.Throws<TorchException>(() => FusedSteps.SymmetricRankKManyInPlace([Tensor.Zeros([3, 3])], [Tensor.Zeros([4, 2])], [1.0], [1.0]));
        Assert.Contains("syrk_many_: update 0 needs a square F and an A with as many rows (got [3, 3] and [4, 2])", e.Message);
    }

    [Fact]
    public void ApplyDirectionsRefusesMismatchedLists()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Zeros([3]);
        var e = Assert.Throws<ArgumentException>(() => FusedSteps.ApplyDirectionsInPlace([w], [w], [1.0], [1.0, 2.0], [1.0]));
        Assert.Contains("lists differ in length: parameters 1, directions 1, before 1, alpha 2, after 1", e.Message);
    }

    private static void AssertRelativelyClose(Tensor expected, Tensor actual, double relative, string what)
    {
        var e = expected.To(DType.Float64).ToArray<double>();
        var a = actual.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= relative * Math.Abs(e[i]), $"{what}[{i}]: fused {a[i]:R} vs composed {e[i]:R}");
        }
    }
}
