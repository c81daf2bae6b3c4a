namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Every Foreach op against the per-tensor op it fuses, compared BITWISE on random lists of mixed shapes (libtorch's
/// CPU _foreach_ kernels loop over the very same per-tensor kernels), plus hand-computed values and the error paths.
/// </summary>
public sealed class ForeachTests
{
    private static readonly long[][] Shapes = [[3], [4, 5], [2, 3, 4], [1], [7, 1]];

    /// <summary>A fresh list of random tensors (normal, or uniform in [lo, hi) when given) with <see cref="Shapes"/>.</summary>
    private static Tensor[] RandomList(ulong seed, DType dtype = DType.Float32, double? lo = null, double hi = 1)
    {
        using var g = new Generator(seed);
        return Shapes.Select(s => lo is null
            ? Tensor.RandN(s, g, dtype)
            : Tensor.Empty(s, dtype).UniformInPlace(lo.Value, hi, g)).ToArray();
    }

    private static Tensor[] Clone(Tensor[] xs) => xs.Select(x => x.Clone()).ToArray();

    private static void AssertBitwiseEqual(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.Equal(expected[i].DType, actual[i].DType);
            var e = expected[i].ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray();
            var a = actual[i].ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray();
            Assert.True(e.SequenceEqual(a), $"tensor {i} differs from the per-tensor op");
        }
    }

    /// <summary>Runs <paramref name="fused"/> on one copy and <paramref name="perTensor"/> on another and compares bitwise.</summary>
    private static void CheckInPlace(Tensor[] self, Action<Tensor[]> fused, Action<Tensor, int> perTensor)
    {
        var a = Clone(self);
        var b = Clone(self);
        fused(a);
        for (int i = 0; i < b.Length; i++) perTensor(b[i], i);
        AssertBitwiseEqual(b, a);
        // And the op did something: at least one element changed.
        Assert.Contains(Enumerable.Range(0, self.Length), i => !self[i].ToArray<double>().SequenceEqual(a[i].ToArray<double>()));
    }

    [Fact]
    public void ListListOpsEqualThePerTensorOpsBitwise()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var x = RandomList(1);
        var y = RandomList(2);
        var pos = RandomList(3, lo: 0.5, hi: 2);

        CheckInPlace(x, s => Foreach.AddInPlace(s, y), (t, i) => t.AddInPlace(y[i]));
        CheckInPlace(x, s => Foreach.AddInPlace(s, y, -0.37), (t, i) => t.AddInPlace(y[i], -0.37));
        CheckInPlace(x, s => Foreach.SubInPlace(s, y, 2.5), (t, i) => t.AddInPlace(y[i], -2.5));
        CheckInPlace(x, s => Foreach.MulInPlace(s, y), (t, i) => t.MulInPlace(y[i]));
        CheckInPlace(x, s => Foreach.DivInPlace(s, pos), (t, i) => t.DivInPlace(pos[i]));
        CheckInPlace(x, s => Foreach.MaximumInPlace(s, y), (t, i) => t.CopyInPlace(t.Maximum(y[i])));
        CheckInPlace(x, s => Foreach.MinimumInPlace(s, y), (t, i) => t.CopyInPlace(t.Minimum(y[i])));
        CheckInPlace(x, s => Foreach.LerpInPlace(s, y, 0.1), (t, i) => t.LerpInPlace(y[i], 0.1));

        AssertBitwiseEqual(x.Select((t, i) => t.Add(y[i], 0.5)).ToArray(), Foreach.Add(x, y, 0.5));
        AssertBitwiseEqual(x.Select((t, i) => t.Sub(y[i])).ToArray(), Foreach.Sub(x, y));
        AssertBitwiseEqual(x.Select((t, i) => t.Mul(y[i])).ToArray(), Foreach.Mul(x, y));
        AssertBitwiseEqual(x.Select((t, i) => t.Div(pos[i])).ToArray(), Foreach.Div(x, pos));
        AssertBitwiseEqual(x.Select((t, i) => t.Maximum(y[i])).ToArray(), Foreach.Maximum(x, y));
        AssertBitwiseEqual(x.Select((t, i) => t.Minimum(y[i])).ToArray(), Foreach.Minimum(x, y));
    }

    [Fact]
    public void ScalarAndScalarListOpsEqualThePerTensorOpsBitwise()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var x = RandomList(4, DType.Float64);
        double[] perTensor = [0.5, -1.25, 3, 1e-3, 7];

        CheckInPlace(x, s => Foreach.AddInPlace(s, 0.3), (t, _) => t.AddInPlace(0.3));
        CheckInPlace(x, s => Foreach.SubInPlace(s, 0.3), (t, _) => t.SubInPlace(0.3));
        CheckInPlace(x, s => Foreach.MulInPlace(s, 0.9), (t, _) => t.MulInPlace(0.9));
        CheckInPlace(x, s => Foreach.DivInPlace(s, 3.0), (t, _) => t.DivInPlace(3.0));
        CheckInPlace(x, s => Foreach.AddInPlace(s, perTensor), (t, i) => t.AddInPlace(perTensor[i]));
        CheckInPlace(x, s => Foreach.MulInPlace(s, perTensor), (t, i) => t.MulInPlace(perTensor[i]));
        CheckInPlace(x, s => Foreach.DivInPlace(s, perTensor), (t, i) => t.DivInPlace(perTensor[i]));

        AssertBitwiseEqual(x.Select(t => t.Add(2.0)).ToArray(), Foreach.Add(x, 2.0));
        AssertBitwiseEqual(x.Select(t => t.Mul(-0.5)).ToArray(), Foreach.Mul(x, -0.5));
    }

    [Fact]
    public void FusedOpsEqualThePerTensorOpsBitwiseAndHandValues()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var x = RandomList(5);
        var t1 = RandomList(6);
        var t2 = RandomList(7, lo: 0.5, hi: 2);
        double[] values = [0.5, -1, 2, 0.25, 3];

        CheckInPlace(x, s => Foreach.AddCMulInPlace(s, t1, t2, 0.01), (t, i) => t.AddCMulInPlace(t1[i], t2[i], 0.01));
        CheckInPlace(x, s => Foreach.AddCDivInPlace(s, t1, t2, -0.02), (t, i) => t.AddCDivInPlace(t1[i], t2[i], -0.02));
        CheckInPlace(x, s => Foreach.AddCMulInPlace(s, t1, t2, values), (t, i) => t.AddCMulInPlace(t1[i], t2[i], values[i]));
        CheckInPlace(x, s => Foreach.AddCDivInPlace(s, t1, t2, values), (t, i) => t.AddCDivInPlace(t1[i], t2[i], values[i]));

        // By hand: [1, 2] + 0.5·[3, 4]/[2, 8] = [1.75, 2.25]; [10] + 2·[1]/[4] = [10.5].
        Tensor[] self = [Tensor.From<double>([1, 2]), Tensor.From<double>([10])];
        Foreach.AddCDivInPlace(self, [Tensor.From<double>([3, 4]), Tensor.From<double>([1])], [Tensor.From<double>([2, 8]), Tensor.From<double>([4])], [0.5, 2]);
        TestUtil.AssertClose([1.75, 2.25], self[0], 0);
        TestUtil.AssertClose([10.5], self[1], 0);
        // Lerp by hand: 1 + 0.25·(5 − 1) = 2.
        Tensor[] start = [Tensor.From<double>([1, -1])];
        Foreach.LerpInPlace(start, [Tensor.From<double>([5, 3])], 0.25);
        TestUtil.AssertClose([2, 0], start[0], 0);
    }

    [Fact]
    public void UnaryOpsEqualThePerTensorOpsBitwise()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var x = RandomList(8);
        var pos = RandomList(9, lo: 0.1, hi: 4);

        var before = pos.Select(t => t.ToArray<float>()).ToArray();
        var roots = Foreach.Sqrt(pos);
        AssertBitwiseEqual(pos.Select(t => t.Sqrt()).ToArray(), roots);
        for (int i = 0; i < pos.Length; i++) Assert.Equal(before[i], pos[i].ToArray<float>()); // inputs untouched
        Assert.All(roots, r => Assert.False(r.IsSameAs(pos[0])));

        CheckInPlace(pos, Foreach.SqrtInPlace, (t, _) => t.SqrtInPlace());
        CheckInPlace(x, Foreach.NegInPlace, (t, _) => t.CopyInPlace(t.Neg()));
        CheckInPlace(x, Foreach.AbsInPlace, (t, _) => t.CopyInPlace(t.Abs()));
        CheckInPlace(x, Foreach.ExpInPlace, (t, _) => t.CopyInPlace(t.Exp()));
        CheckInPlace(pos, Foreach.ReciprocalInPlace, (t, _) => t.CopyInPlace(t.Reciprocal()));
        CheckInPlace(x, Foreach.ZeroInPlace, (t, _) => t.ZeroInPlace());

        AssertBitwiseEqual(x.Select(t => t.Exp()).ToArray(), Foreach.Exp(x));
        AssertBitwiseEqual(pos.Select(t => t.Log()).ToArray(), Foreach.Log(pos));
        AssertBitwiseEqual(x.Select(t => t.Neg()).ToArray(), Foreach.Neg(x));
        AssertBitwiseEqual(x.Select(t => t.Abs()).ToArray(), Foreach.Abs(x));
        AssertBitwiseEqual(pos.Select(t => t.Reciprocal()).ToArray(), Foreach.Reciprocal(pos));

        var zeroed = Clone(x);
        Foreach.ZeroInPlace(zeroed);
        Assert.All(zeroed, t => Assert.All(t.ToArray<float>(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void NormEqualsPerTensorNormAndHandValues()
    {
        using var scope = new DisposeScope();
        var x = RandomList(10, DType.Float64);
        foreach (double ord in new[] { 2.0, 1.0, double.PositiveInfinity, 3.0 })
        {
            var norms = Foreach.Norm(x, ord);
            Assert.Equal(x.Length, norms.Length);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Empty(norms[i].Shape); // 0-D
                Assert.Equal(BitConverter.DoubleToInt64Bits(Linalg.VectorNorm(x[i], ord).ToDouble()), BitConverter.DoubleToInt64Bits(norms[i].ToDouble()));
                var v = x[i].ToArray<double>();
                double expected = double.IsPositiveInfinity(ord)
                    ? v.Max(Math.Abs)
                    : Math.Pow(v.Sum(e => Math.Pow(Math.Abs(e), ord)), 1 / ord);
                Assert.Equal(expected, norms[i].ToDouble(), 1e-12 * Math.Max(1, expected));
            }
        }

        var exact = Foreach.Norm([Tensor.From<float>([3, 4]), Tensor.From<float>([-12, 5], [1, 2])]);
        Assert.Equal(5f, exact[0].ToSingle());
        Assert.Equal(13f, exact[1].ToSingle());
        Assert.Equal(DType.Float32, exact[0].DType);
    }

    [Fact]
    public void MismatchedListsThrowArgumentExceptionAndTouchNothing()
    {
        using var scope = new DisposeScope();
        Tensor[] a = [Tensor.Ones([2]), Tensor.Ones([3])];
        Tensor[] b = [Tensor.Ones([2])];
        var ex = Assert.Throws<ArgumentException>(() => Foreach.AddInPlace(a, b));
        Assert.Contains("2", ex.Message);
        Assert.Contains("1", ex.Message);
        Assert.Throws<ArgumentException>(() => Foreach.AddCMulInPlace(a, a, b, 1.0));
        Assert.Throws<ArgumentException>(() => Foreach.AddCDivInPlace(a, a, a, [1.0]));
        Assert.Throws<ArgumentException>(() => Foreach.MulInPlace(a, [1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => Foreach.LerpInPlace(a, b, 0.5));
        Assert.All(a, t => Assert.All(t.ToArray<float>(), v => Assert.Equal(1f, v)));

        // Empty lists are a no-op / an empty result, not a native error.
        Foreach.AddInPlace([], [], 2.0);
        Assert.Empty(Foreach.Sqrt([]));
        Assert.Empty(Foreach.Norm([]));

        // Shape mismatch inside a pair is libtorch's error, and nothing leaks.
        Tensor[] c = [Tensor.Ones([2]), Tensor.Ones([4])];
        var tex = Assert.Throws<TorchException>(() => Foreach.AddInPlace(a, c));
        Assert.Equal(1, tex.Status);
    }

    [Fact]
    public void ForeachResultsJoinTheScopeAndNothingLeaks()
    {
        long before = TestUtil.SettledLiveTensors();
        using (var scope = new DisposeScope())
        {
            using var noGrad = Autograd.NoGrad();
            var x = RandomList(11);
            var y = RandomList(12);
            Foreach.AddCMulInPlace(x, y, y, 0.5);
            var r = Foreach.Sqrt(Foreach.Abs(x));
            _ = Foreach.Norm(r);
            Assert.Equal(5 * Shapes.Length, scope.Count); // x, y, |x|, √|x|, norms
        }

        Assert.Equal(before, TestUtil.SettledLiveTensors());
    }
}
