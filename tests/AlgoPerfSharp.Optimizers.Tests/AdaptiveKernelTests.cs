using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// The fused kernels of DASGO, cross-fitted Adam and the float64 sum of squares (<c>ops_adaptive.cpp</c>), and the inverse
/// roots dealt to the threads (<c>ops_eigh.cpp</c>), against
/// float64 reference loops written from their formulas here, and their float32 results against the ATen ops they
/// replace (equal up to rounding). Shapes are cut between threads and chunks (2^15 elements per partial sum).
/// </summary>
public sealed class AdaptiveKernelTests
{
    private const double U64 = 1.1102230246251565e-16, U32 = 5.960464477539063e-08;

    [Theory]
    [InlineData(DType.Float32, 100_003L)] // four chunks and a tail
    [InlineData(DType.Float64, 100_003L)]
    [InlineData(DType.Float32, 5L)]
    public void SumSquaresIsTheFloat64Sum(DType dtype, long n)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(5);
        var x = Tensor.RandN([n], gen, dtype).MulInPlace(3);
        var values = x.To(DType.Float64).ToArray<double>();
        double expected = 0;
        foreach (double v in values) expected += v * v;
        double actual = FusedSteps.SumSquares([x])[0];
        Assert.True(Math.Abs(actual - expected) <= 1e-13 * expected, $"{actual:R} vs {expected:R}");
    }

    [Fact]
    public void SumSquaresOfAStridedTensorGoesThroughATen()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(6);
        var x = Tensor.RandN([40, 30], gen).T();
        double expected = Math.Pow(x.Norm(2, [], dtype: DType.Float64).ToDouble(), 2);
        double[] actual = FusedSteps.SumSquares([x, x.Contiguous()]);
        Assert.Equal(expected, actual[0], 1e-12 * expected);
        Assert.Equal(expected, actual[1], 1e-12 * expected);
    }

    [Fact]
    public void SumSquaresOfAListIsEachTensorsOwnSumToTheBit()
    {
        // ASGO sums all its directions in one call: each sum must not depend on the others in the list (chunked ones,
        // a short one, a strided one, float32 and float64).
        using var scope = new DisposeScope();
        using var gen = new Generator(12);
        Tensor[] xs =
        [
            Tensor.RandN([100_003], gen, DType.Float64), Tensor.RandN([7], gen), Tensor.RandN([300, 200], gen).T(),
            Tensor.RandN([70_001], gen), Tensor.RandN([5, 3], gen, DType.Float64),
        ];
        double[] together = FusedSteps.SumSquares(xs);
        for (int i = 0; i < xs.Length; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(FusedSteps.SumSquares([xs[i]])[0]), BitConverter.DoubleToInt64Bits(together[i]));
    }

    [Theory]
    [InlineData(300L, 200L)] // two row blocks, two column ranges
    [InlineData(7L, 5L)]
    public void DasgoDirectionIsTheFloat64Formula(long rows, long cols)
    {
        // Three steps of m ← lerp(m, g, 0.1); p ← lerp(p, Σ_rows g², 0.05); D = m / √(p + ε), Σ D², in float64 loops.
        const double w1 = 0.1, w2 = 0.05, eps = 1e-8;
        using var scope = new DisposeScope();
        using var gen = new Generator(7);
        var m = Tensor.Zeros([rows, cols], DType.Float64);
        var p = Tensor.Zeros([cols], DType.Float64);
        var mRef = new double[rows * cols];
        var pRef = new double[cols];
        for (int step = 0; step < 3; step++)
        {
            var g = Tensor.RandN([rows, cols], gen, DType.Float64);
            var gv = g.ToArray<double>();
            var (d, sumSquares) = FusedSteps.DasgoDirection(g, m, p, w1, w2, eps);

            var colsum = new double[cols];
            for (long i = 0; i < rows; i++)
            {
                for (long j = 0; j < cols; j++)
                {
                    long k = i * cols + j;
                    colsum[j] += gv[k] * gv[k];
                    mRef[k] += w1 * (gv[k] - mRef[k]);
                }
            }

            for (long j = 0; j < cols; j++) pRef[j] += w2 * (colsum[j] - pRef[j]);
            var dRef = new double[rows * cols];
            double sumRef = 0;
            for (long k = 0; k < dRef.Length; k++)
            {
                dRef[k] = mRef[k] * (1 / Math.Sqrt(pRef[k % cols] + eps));
                sumRef += dRef[k] * dRef[k];
            }

            AssertClose(mRef, m.ToArray<double>(), 4 * U64, "m");
            AssertClose(pRef, p.ToArray<double>(), 1e-14, "p");
            AssertClose(dRef, d.ToArray<double>(), 1e-14, "D");
            Assert.True(Math.Abs(sumSquares - sumRef) <= 1e-13 * sumRef, $"Σ D²: {sumSquares:R} vs {sumRef:R}");
        }
    }

    [Theory]
    [InlineData(true)]  // the fused loops
    [InlineData(false)] // a strided momentum: the ATen ops
    public void DasgoDirectionInFloat32IsTheComposedOps(bool contiguous)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(8);
        var g = Tensor.RandN([300, 200], gen);
        var m = contiguous ? Tensor.RandN([300, 200], gen) : Tensor.RandN([200, 300], gen).T();
        var p = Tensor.RandN([200], gen).Abs();
        var mPlain = m.Clone();
        var pPlain = p.Clone();
        var (d, sumSquares) = FusedSteps.DasgoDirection(g, m, p, 0.1, 0.05, 1e-8);
        mPlain.LerpInPlace(g, 0.1);
        pPlain.LerpInPlace(g.Square().Sum(0), 0.05);
        var dPlain = mPlain * (pPlain + 1e-8).Rsqrt();
        double sumPlain = Math.Pow(dPlain.Norm(2, [], dtype: DType.Float64).ToDouble(), 2);
        AssertClose(mPlain.Contiguous().ToArray<float>().Select(x => (double)x).ToArray(), m.Contiguous().ToArray<float>().Select(x => (double)x).ToArray(), 2 * U32, "m", floor: 1);
        AssertClose(pPlain.ToArray<float>().Select(x => (double)x).ToArray(), p.ToArray<float>().Select(x => (double)x).ToArray(), 1e-5, "p");
        AssertClose(dPlain.Contiguous().ToArray<float>().Select(x => (double)x).ToArray(), d.Contiguous().ToArray<float>().Select(x => (double)x).ToArray(), 1e-5, "D");
        Assert.True(Math.Abs(sumSquares - sumPlain) <= 1e-5 * sumPlain, $"Σ D²: {sumSquares:R} vs {sumPlain:R}");
    }

    [Theory]
    [InlineData(4, true, 70_001L)] // cf_adamw's default: 4 B gradients, corrected; three chunks
    [InlineData(4, false, 513L)]
    [InlineData(1, true, 513L)]    // one B gradient: nothing to correct
    [InlineData(0, true, 513L)]    // no sample: v fed g_A², plain Adam
    public void CrossFitAdamIsTheFloat64Formula(int b, bool correction, long n)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        using var scope = new DisposeScope();
        using var gen = new Generator(9);
        var m = Tensor.Zeros([n], DType.Float64);
        var v = Tensor.Zeros([n], DType.Float64);
        var mRef = new double[n];
        var vRef = new double[n];
        for (int step = 1; step <= 3; step++)
        {
            var u = Tensor.RandN([n], gen, DType.Float64);
            var sample = Enumerable.Range(0, b).Select(_ => Tensor.RandN([n], gen, DType.Float64)).ToArray();
            var uv = u.ToArray<double>();
            var bv = sample.Select(t => t.ToArray<double>()).ToArray();
            double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
            FusedSteps.CrossFitAdamInPlace(u, m, v, sample, beta1, beta2, eps, bc1, bc2, correction);

            var uRef = new double[n];
            for (long i = 0; i < n; i++)
            {
                double variance = 0;
                bool correct = correction && b >= 2;
                if (correct)
                {
                    var roots = bv.Select(g => Math.Sqrt(Math.Max(0, (beta2 * vRef[i] + (1 - beta2) * g[i] * g[i]) / bc2))).ToArray();
                    double mean = roots.Sum() / b;
                    variance = roots.Sum(r => (r - mean) * (r - mean)) / (b * (b - 1.0));
                }

                mRef[i] += (1 - beta1) * (uv[i] - mRef[i]);
                double fed = b == 0 ? uv[i] * uv[i] : bv.Sum(g => g[i] * g[i]) / b;
                vRef[i] = beta2 * vRef[i] + (1 - beta2) * fed;
                double d = Math.Sqrt(vRef[i] / bc2) + eps;
                double inv = correct ? Math.Max(0, 1 / d - variance / (d * d * d)) : 1 / d;
                uRef[i] = mRef[i] / bc1 * inv;
            }

            AssertClose(mRef, m.ToArray<double>(), 1e-14, "m");
            AssertClose(vRef, v.ToArray<double>(), 1e-14, "v");
            AssertClose(uRef, u.ToArray<double>(), 1e-12, "u");
        }
    }

    [Theory]
    [InlineData(true)]  // the fused loop
    [InlineData(false)] // a strided update: the ATen ops
    public void CrossFitAdamInFloat32IsTheComposedOps(bool contiguous)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, bc1 = 1 - 0.9 * 0.9 * 0.9, bc2 = 1 - 0.999 * 0.999 * 0.999;
        using var scope = new DisposeScope();
        using var gen = new Generator(10);
        var u = contiguous ? Tensor.RandN([70, 50], gen) : Tensor.RandN([50, 70], gen).T();
        var m = Tensor.RandN([70, 50], gen).MulInPlace(0.1);
        var v = Tensor.RandN([70, 50], gen).Square().MulInPlace(0.01);
        var sample = Enumerable.Range(0, 4).Select(_ => Tensor.RandN([70, 50], gen)).ToArray();
        var (uPlain, mPlain, vPlain) = (u.Clone(), m.Clone(), v.Clone());
        FusedSteps.CrossFitAdamInPlace(u, m, v, sample, beta1, beta2, eps, bc1, bc2, correction: true);

        var roots = sample.Select(g => vPlain.Mul(beta2).AddCMulInPlace(g, g, 1 - beta2).DivInPlace(bc2).ClampInPlace(min: 0.0).SqrtInPlace()).ToArray();
        var mean = roots.Aggregate((x, y) => x.Add(y)).DivInPlace(4);
        var variance = roots.Select(r => r.Sub(mean).Square()).Aggregate((x, y) => x.AddInPlace(y)).DivInPlace(12.0);
        mPlain.LerpInPlace(uPlain, 1 - beta1);
        vPlain.MulInPlace(beta2).AddInPlace(sample.Select(g => g.Square()).Aggregate((x, y) => x.AddInPlace(y)).DivInPlace(4), 1 - beta2);
        var d = vPlain.Div(bc2).SqrtInPlace().AddInPlace(eps);
        var inv = d.Reciprocal().SubInPlace(variance.DivInPlace(d.Pow(3.0))).ClampInPlace(min: 0.0);
        uPlain.CopyInPlace(mPlain).DivInPlace(bc1).MulInPlace(inv);

        static double[] F(Tensor t) => t.Contiguous().ToArray<float>().Select(x => (double)x).ToArray();
        AssertClose(F(mPlain), F(m), 2 * U32, "m", floor: 1); // g_A ~ N(0, 1)
        AssertClose(F(vPlain), F(v), 2 * U32, "v");
        AssertClose(F(uPlain), F(u), 1e-5, "u");
    }

    [Fact]
    public void InverseRootsAreEachInverseRoot()
    {
        // Six SPD matrices (dealt to the threads when there are two or more): each X is InverseRoot's, and X·X·(A + εI) = I.
        using var scope = new DisposeScope();
        using var gen = new Generator(11);
        var config = new InverseRootConfig(1e-10);
        var matrices = Enumerable.Range(0, 6).Select(i => { var a = Tensor.RandN([40, 60 + i], gen, DType.Float64); return a.Mm(a.T()); }).ToArray();
        var roots = MatrixFunction.InverseRoots(matrices, 2, config);
        var dealt = FusedSteps.InverseRootsDealt(matrices, 2, matrices.Select(_ => 1e-10).ToArray());
        if (TorchRuntime.NumThreads >= 2) Assert.All(dealt, x => Assert.NotNull(x)); // six equal costs deal evenly
        using var eye = Tensor.Eye(40, dtype: DType.Float64);
        for (int i = 0; i < matrices.Length; i++)
        {
            var expected = MatrixFunction.InverseRoot(matrices[i], 2, config).ToArray<double>();
            AssertClose(expected, roots[i].ToArray<double>(), 1e-10, $"X{i}", floor: expected.Max(Math.Abs));
            if (dealt[i] is { } x) AssertClose(expected, x.ToArray<double>(), 1e-10, $"dealt X{i}", floor: expected.Max(Math.Abs));
            var identity = roots[i].Mm(roots[i]).Mm(matrices[i] + eye * 1e-10).ToArray<double>();
            AssertClose(eye.ToArray<double>(), identity, 1e-9, $"X{i}²(A + εI)", floor: 1);
        }
    }

    [Fact]
    public void InverseRootsRejectANonFiniteMatrix()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(12);
        var matrices = Enumerable.Range(0, 4).Select(_ => { var a = Tensor.RandN([20, 30], gen); return a.Mm(a.T()); }).ToArray();
        matrices[2].MulInPlace(double.NaN);
        var e = Assert.Throws<ArgumentException>(() => MatrixFunction.InverseRoots(matrices, 2, new InverseRootConfig(1e-10)));
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
    }

    // |e − a| ≤ relative·max(|e|, floor), floor 10⁻³·max|e| unless given (a lerp's rounding is relative to its inputs).
    private static void AssertClose(double[] expected, double[] actual, double relative, string what, double? floor = null)
    {
        Assert.Equal(expected.Length, actual.Length);
        double low = floor ?? 1e-3 * expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Max(Math.Abs(expected[i]), low), $"{what}[{i}]: fused {actual[i]:R} vs reference {expected[i]:R}");
        }
    }
}
