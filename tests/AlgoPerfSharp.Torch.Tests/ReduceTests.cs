using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Reductions. Expected values are hand-computed or closed-form; MathNet is the oracle on random data. Tie-breaking
/// and error messages were checked against PyTorch with tests/reference/views_reduce_reference.py.
/// </summary>
public sealed class ReduceTests
{
    /// <summary>[[1, 2, 3, 4], [2, 4, 6, 8]] as float64.</summary>
    private static Tensor Rows() => Tensor.From<double>([1, 2, 3, 4, 2, 4, 6, 8], [2, 4]);

    [Fact]
    public void SumMeanProdAndExtremaHonourNegativeDimsAndKeepDim()
    {
        using var scope = new DisposeScope();
        var x = Rows();
        Assert.Equal(new double[] { 10, 20 }, x.Sum(-1).ToArray<double>());
        var kept = x.Sum([-1], keepDim: true);
        Assert.Equal(new long[] { 2, 1 }, kept.Shape);
        Assert.Equal(new double[] { 3, 6, 9, 12 }, x.Sum(-2).ToArray<double>());
        Assert.Equal(30.0, x.Sum([0, 1]).ToDouble());
        Assert.Equal(3.75, x.Mean().ToDouble());
        Assert.Equal(new double[] { 24, 384 }, x.Prod(-1).ToArray<double>());
        Assert.Equal(new double[] { 2, 8, 18, 32 }, x.Prod(0).ToArray<double>());
        Assert.Equal(new double[] { 4, 8 }, x.AMax([-1]).ToArray<double>());
        Assert.Equal(new long[] { 1, 4 }, x.AMin([0], keepDim: true).Shape);
        Assert.Equal(new double[] { 1, 2, 3, 4 }, x.AMin([0], keepDim: true).ToArray<double>());
        var big = x.Gt(5.0);
        Assert.Equal(new[] { false, true }, big.Any(-1).ToArray<bool>());
        Assert.Equal(new[] { false, false, false, false }, big.All(0).ToArray<bool>());
        // log(e^0 + e^0) = ln 2; the shift by the max keeps log(e^1000 + e^1000) finite.
        var lse = Tensor.From<double>([0, 0, 1000, 1000], [2, 2]).LogSumExp([-1]);
        TestUtil.AssertClose([Math.Log(2), 1000 + Math.Log(2)], lse, 1e-12);
    }

    [Fact]
    public void VarianceAndStdMatchTheFormulaForCorrectionZeroOneAndTwo()
    {
        using var scope = new DisposeScope();
        var x = Rows();
        // Row 0: mean 2.5, Σ(x - mean)² = 2.25 + 0.25 + 0.25 + 2.25 = 5.  Row 1: mean 5, Σ = 9 + 1 + 1 + 9 = 20.
        TestUtil.AssertClose([5.0 / 3, 20.0 / 3], x.Var(-1), 1e-12);
        TestUtil.AssertClose([5.0 / 4, 20.0 / 4], x.Var(1, unbiased: false), 1e-12);
        TestUtil.AssertClose([5.0 / 4, 20.0 / 4], x.Var([-1], correction: 0), 1e-12);
        TestUtil.AssertClose([5.0 / 2, 20.0 / 2], x.Var([1], correction: 2), 1e-12);
        TestUtil.AssertClose([Math.Sqrt(5.0 / 3), Math.Sqrt(20.0 / 3)], x.Std(-1), 1e-12);
        TestUtil.AssertClose([Math.Sqrt(5.0 / 4), Math.Sqrt(20.0 / 4)], x.Std([1], correction: 0), 1e-12);
        // Columns (1,2), (2,4), (3,6), (4,8): Σ(x - mean)² = d² / 2 for d = 1, 2, 3, 4.
        TestUtil.AssertClose([0.5, 2, 4.5, 8], x.Var(0), 1e-12);
        TestUtil.AssertClose([0.25, 1, 2.25, 4], x.Var([-2], unbiased: false), 1e-12);
        var keep = x.Var(0, keepDim: true);
        Assert.Equal(new long[] { 1, 4 }, keep.Shape);
        Assert.Equal(new long[] { 2, 1 }, x.Std([1], correction: 1, keepDim: true).Shape);
        // All eight: mean 3.75, Σx² = 150, Σ(x - mean)² = 150 - 8 · 3.75² = 37.5.
        Assert.Equal(37.5 / 7, x.Var().ToDouble(), 12);
        Assert.Equal(37.5 / 8, x.Var(unbiased: false).ToDouble(), 12);
        Assert.Equal(37.5 / 6, x.Var([], correction: 2).ToDouble(), 12);
        Assert.Equal(Math.Sqrt(37.5 / 8), x.Std(false).ToDouble(), 12);
        Assert.Equal(Math.Sqrt(37.5 / 7), x.Std([0, 1]).ToDouble(), 12);
    }

    [Fact]
    public void VarianceAndStdAgreeWithMathNetOnRandomData()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(7);
        var x = Tensor.RandN([5, 37], g, DType.Float64) * 3 + 1;
        var data = x.ToArray<double>();
        var var1 = x.Var(-1).ToArray<double>();
        var std0 = x.Std([1], correction: 0).ToArray<double>();
        for (int r = 0; r < 5; r++)
        {
            var row = data.AsSpan(r * 37, 37).ToArray();
            Assert.Equal(row.Variance(), var1[r], 10); // MathNet: unbiased (N - 1)
            Assert.Equal(row.PopulationStandardDeviation(), std0[r], 10); // MathNet: population (N)
        }

        Assert.Equal(data.Variance(), x.Var().ToDouble(), 10);
        Assert.Equal(data.PopulationVariance(), x.Var(false).ToDouble(), 10);
    }

    [Fact]
    public void MaxMinOverADimReturnValuesAndTheFirstIndexOfATie()
    {
        using var scope = new DisposeScope();
        var x = Tensor.From<float>([1, 3, 3, 2, 2, 0], [2, 3]); // ties in both rows
        var (values, indices) = x.Max(1);
        Assert.Equal(new float[] { 3, 2 }, values.ToArray<float>());
        Assert.Equal(DType.Int64, indices.DType);
        Assert.Equal(new long[] { 1, 0 }, indices.ToArray<long>()); // first of the tied positions
        var (minValues, minIndices) = x.Min(0);
        Assert.Equal(new float[] { 1, 2, 0 }, minValues.ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 1 }, minIndices.ToArray<long>());
        var (kv, ki) = x.Max(-1, keepDim: true);
        Assert.Equal(new long[] { 2, 1 }, kv.Shape);
        Assert.Equal(new long[] { 2, 1 }, ki.Shape);
        Assert.Equal(new long[] { 1, 0 }, ki.ToArray<long>());
        var (mv, mi) = x.Min(-2);
        Assert.Equal(new float[] { 1, 2, 0 }, mv.ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 1 }, mi.ToArray<long>());

        Assert.Equal(3f, x.Max().ToSingle());
        Assert.Equal(0f, x.Min().ToSingle());
        Assert.Empty(x.Max().Shape);
        Assert.Equal(1L, x.ArgMax().ToInt64()); // flattened: first 3 is at 1
        Assert.Equal(5L, x.ArgMin().ToInt64());
        Assert.Equal(new long[] { 1, 0 }, x.ArgMax(1).ToArray<long>());
        var am = x.ArgMax(0, keepDim: true);
        Assert.Equal(new long[] { 1, 3 }, am.Shape);
        Assert.Equal(new long[] { 1, 0, 0 }, am.ToArray<long>());
        Assert.Equal(new long[] { 0, 2 }, x.ArgMin(-1).ToArray<long>());

        // A large reduction (split across threads) still reports the first of equal maxima.
        var ones = Tensor.Ones([100_000]);
        Assert.Equal(0L, ones.ArgMax().ToInt64());
        Assert.Equal(0L, ones.ArgMin().ToInt64());
        var spikes = Tensor.Zeros([10_000]);
        spikes.IndexPutInPlace(Tensor.From<long>([37, 9000]), Tensor.Scalar(1.0));
        Assert.Equal(37L, spikes.ArgMax().ToInt64());
        Assert.Equal(37L, spikes.Max(0).Indices.ToInt64());

        var ints = Tensor.From<long>([4, -9, 4]);
        Assert.Equal(4L, ints.Max().ToInt64());
        Assert.Equal(-9L, ints.Min(0).Values.ToInt64());
        Assert.Equal(1L, ints.Min(0).Indices.ToInt64());
    }

    [Fact]
    public void NormsMatchHandValuesAndMathNet()
    {
        using var scope = new DisposeScope();
        Assert.Equal(5.0, Tensor.From<double>([3, -4]).Norm().ToDouble(), 12);
        var x = Tensor.From<double>([1, -2, 3, -4], [2, 2]);
        Assert.Equal(Math.Sqrt(30), x.Norm().ToDouble(), 12); // Frobenius over all elements
        Assert.Equal(10.0, x.Norm(1).ToDouble(), 12);
        Assert.Equal(4.0, x.Norm(double.PositiveInfinity).ToDouble(), 12);
        Assert.Equal(1.0, x.Norm(double.NegativeInfinity).ToDouble(), 12);
        Assert.Equal(4.0, x.Norm(0).ToDouble(), 12); // non-zero count
        Assert.Equal(Math.Cbrt(100), x.Norm(3).ToDouble(), 12); // (1 + 8 + 27 + 64)^(1/3)
        TestUtil.AssertClose([4, 6], x.Norm(1, 0), 1e-12);
        TestUtil.AssertClose([2, 4], x.Norm(double.PositiveInfinity, -1), 1e-12);
        var rowNorms = x.Norm(2, -1, keepDim: true);
        Assert.Equal(new long[] { 2, 1 }, rowNorms.Shape);
        TestUtil.AssertClose([Math.Sqrt(5), 5], rowNorms, 1e-12);
        var both = x.Norm(2, [-2, -1], keepDim: true);
        Assert.Equal(new long[] { 1, 1 }, both.Shape);
        Assert.Equal(Math.Sqrt(30), both.ToDouble(), 12);
        var asFloat = Tensor.From<float>([3, 4]).Norm(2, [], false, DType.Float64);
        Assert.Equal(DType.Float64, asFloat.DType);
        Assert.Equal(5.0, asFloat.ToDouble(), 12);

        using var g = new Generator(11);
        var r = Tensor.RandN([6, 9], g, DType.Float64);
        var m = Matrix<double>.Build.DenseOfRowMajor(6, 9, r.ToArray<double>());
        Assert.Equal(m.FrobeniusNorm(), r.Norm().ToDouble(), 10);
        var flat = Vector<double>.Build.DenseOfArray(r.ToArray<double>());
        Assert.Equal(flat.L1Norm(), r.Norm(1).ToDouble(), 10);
        Assert.Equal(flat.InfinityNorm(), r.Norm(double.PositiveInfinity).ToDouble(), 10);
        Assert.Equal(flat.Norm(3.5), r.Norm(3.5).ToDouble(), 10);
        var colNorms = r.Norm(2, 0).ToArray<double>();
        for (int c = 0; c < 9; c++) Assert.Equal(m.Column(c).L2Norm(), colNorms[c], 10);
    }

    [Fact]
    public void CumulativeScansRunAlongTheGivenDim()
    {
        using var scope = new DisposeScope();
        var x = Tensor.From<double>([1, 2, 3, 4, 5, 6], [2, 3]);
        Assert.Equal(new double[] { 1, 3, 6, 4, 9, 15 }, x.CumSum(1).ToArray<double>());
        Assert.Equal(new double[] { 1, 2, 3, 5, 7, 9 }, x.CumSum(-2).ToArray<double>());
        Assert.Equal(new double[] { 1, 2, 6, 4, 20, 120 }, x.CumProd(-1).ToArray<double>());
        var ints = Tensor.From<int>([1, 2, 3]);
        var cs = ints.CumSum(0);
        Assert.Equal(DType.Int64, cs.DType); // integers widen, as in PyTorch
        Assert.Equal(new long[] { 1, 3, 6 }, cs.ToArray<long>());
        Assert.Equal(DType.Float64, ints.CumSum(0, DType.Float64).DType);
        var lcse = Tensor.From<double>([0, 0, 1000]).LogCumSumExp(0);
        TestUtil.AssertClose([0, Math.Log(2), 1000], lcse, 1e-9);
    }

    [Fact]
    public void BadReductionArgumentsRaiseLibtorchMessagesAndTheNextOpWorks()
    {
        using var x = Rows();
        using var empty = Tensor.Zeros([0]);
        using var longs = Tensor.From<long>([1, 2]);
        long baseline = TestUtil.SettledLiveTensors();

        var e = Assert.Throws<TorchException>(() => x.Var(2));
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)", e.Message);
        e = Assert.Throws<TorchException>(() => x.Max(-3));
        Assert.Contains("Dimension out of range", e.Message);
        e = Assert.Throws<TorchException>(() => x.ArgMin(5));
        Assert.Contains("Dimension out of range", e.Message);
        e = Assert.Throws<TorchException>(() => x.Norm(2, 2));
        Assert.Contains("Dimension out of range", e.Message);
        e = Assert.Throws<TorchException>(() => x.CumSum(-3));
        Assert.Contains("Dimension out of range", e.Message);
        e = Assert.Throws<TorchException>(() => empty.Max());
        Assert.Contains("Expected reduction dim to be specified for input.numel() == 0", e.Message);
        e = Assert.Throws<TorchException>(() => longs.Norm());
        Assert.Contains("linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long", e.Message);
        Assert.Equal(baseline, TorchRuntime.LiveTensors);

        using var ok = x.Std(-1, unbiased: false);
        TestUtil.AssertClose([Math.Sqrt(1.25), Math.Sqrt(5)], ok, 1e-12);
    }

    [Fact]
    public void GradientsOfNormVarianceAndMaxMatchClosedForms()
    {
        using var scope = new DisposeScope();
        var x = Tensor.From<double>([3, 4]).RequiresGradInPlace();
        x.Norm().Backward(); // d||x|| / dx = x / ||x||
        TestUtil.AssertClose([0.6, 0.8], x.Grad!, 1e-12);

        var v = Tensor.From<double>([1, 2, 3, 4]).RequiresGradInPlace();
        v.Var().Backward(); // d/dx Σ(x - mean)² / (N - 1) = 2 (x - mean) / (N - 1), mean 2.5
        TestUtil.AssertClose([-1, -1.0 / 3, 1.0 / 3, 1], v.Grad!, 1e-12);

        var m = Tensor.From<double>([1, 5, 2, 7, 0, 3], [2, 3]).RequiresGradInPlace();
        m.Max(1).Values.Sum().Backward(); // the gradient goes to each row's arg-max only
        Assert.Equal(new double[] { 0, 1, 0, 1, 0, 0 }, m.Grad!.ToArray<double>());
    }

    [Fact]
    public void OpCodeEnumsMirrorAtsH()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "torch", "native", "include", "ats.h"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string header = File.ReadAllText(Path.Combine(dir.FullName, "torch", "native", "include", "ats.h"));
        AssertMirrors<ReduceOp>(header, "ats_reduce_op");
        AssertMirrors<CumulativeOp>(header, "ats_cumulative_op");
    }

    private static void AssertMirrors<TEnum>(string header, string cEnum)
        where TEnum : struct, Enum
    {
        var body = Regex.Match(header, "enum " + cEnum + @"\s*\{([^}]*)\}");
        Assert.True(body.Success, cEnum + " not found in ats.h");
        var native = Regex.Matches(body.Groups[1].Value, @"ATS_(\w+)\s*=\s*(\d+)")
            .ToDictionary(m => m.Groups[1].Value.Replace("_", string.Empty, StringComparison.Ordinal), m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var managed = Enum.GetValues<TEnum>().ToDictionary(v => v.ToString().ToUpperInvariant(), v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(native.OrderBy(kv => kv.Value), managed.OrderBy(kv => kv.Value));
    }
}
