using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// <see cref="Functional.ScaledDotProductAttention"/>: the fused CPU kernel against a plain C# evaluation of the
/// formula, against the composed graph (values and gradients), its layouts, its fallback and its errors.
/// </summary>
public sealed class AttentionTests
{
    /// <summary>softmax(scale · q kᵀ, causal) v for (B, H, T, d) arrays in row-major order, in plain C#.</summary>
    private static double[] Reference(double[] q, double[] k, double[] v, int b, int h, int t, int s, int d, int dv, bool causal)
    {
        double scale = 1 / Math.Sqrt(d);
        var o = new double[b * h * t * dv];
        for (int bh = 0; bh < b * h; bh++)
        {
            for (int i = 0; i < t; i++)
            {
                int len = causal ? i + 1 + (s - t) : s;
                var w = new double[len];
                for (int j = 0; j < len; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += q[(((bh * t) + i) * d) + c] * k[(((bh * s) + j) * d) + c];
                    w[j] = dot * scale;
                }

                double max = w.Max(), sum = 0;
                for (int j = 0; j < len; j++) sum += w[j] = Math.Exp(w[j] - max);
                for (int c = 0; c < dv; c++)
                {
                    double acc = 0;
                    for (int j = 0; j < len; j++) acc += w[j] / sum * v[(((bh * s) + j) * dv) + c];
                    o[(((bh * t) + i) * dv) + c] = acc;
                }
            }
        }

        return o;
    }

    private static double[] Rand(ulong seed, params long[] shape)
    {
        using var g = new Generator(seed);
        using var x = Tensor.RandN(shape, g, DType.Float64);
        return x.ToArray<double>();
    }

    [Fact]
    public void TheFusedKernelIsAvailableWithDebiansOpenBlas()
    {
        // Without a CBLAS in the process every attention silently takes the slower composed graph.
        Assert.True(Functional.FusedAttentionAvailable);
    }

    [Theory]
    [InlineData(false, 5, 5)]
    [InlineData(true, 5, 5)]
    [InlineData(true, 3, 6)] // more keys than queries: the last query sees every key
    [InlineData(false, 4, 9)]
    public void MatchesTheFormulaEvaluatedInPlainCSharp(bool causal, int t, int s)
    {
        const int b = 2, h = 3, d = 4, dv = 5;
        double[] q = Rand(1, b, h, t, d), k = Rand(2, b, h, s, d), v = Rand(3, b, h, s, dv);
        using var scope = new DisposeScope();
        var y = Functional.ScaledDotProductAttention(Tensor.From<double>(q, [b, h, t, d]), Tensor.From<double>(k, [b, h, s, d]), Tensor.From<double>(v, [b, h, s, dv]), causal);
        Assert.Equal([b, h, t, dv], y.Shape);
        TestUtil.AssertClose(Reference(q, k, v, b, h, t, s, d, dv, causal), y.Contiguous(), 1e-12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Float32FusedAgreesWithTheComposedGraphOnStridedHeads(bool causal)
    {
        // q, k, v split out of (B, T, H, d) projections, as the models make them; a random projection R of the output.
        const long b = 3, t = 37, h = 2, d = 16;
        using var scope = new DisposeScope();
        using var g = new Generator(7);
        var leaves = Enumerable.Range(0, 3).Select(_ => Tensor.RandN([b, t, h, d], g).RequiresGradInPlace()).ToArray();
        var r = Tensor.RandN([b, h, t, d], g);
        (float[] Y, float[][] Grads) Run(bool fused)
        {
            foreach (var l in leaves) l.Grad = null;
            var y = Functional.ScaledDotProductAttention(leaves[0].Transpose(1, 2), leaves[1].Transpose(1, 2), leaves[2].Transpose(1, 2), causal, allowFused: fused);
            (y * r).Sum().Backward();
            return (y.Contiguous().ToArray<float>(), leaves.Select(l => l.Grad!.Contiguous().ToArray<float>()).ToArray());
        }

        var (yf, gf) = Run(true);
        var (yc, gc) = Run(false);
        Assert.Equal(yc.Length, yf.Length);
        for (int i = 0; i < yf.Length; i++) Assert.True(Math.Abs(yf[i] - yc[i]) <= 1e-5, $"output {i}: fused {yf[i]}, composed {yc[i]}");
        for (int k = 0; k < 3; k++)
        {
            double largest = 0;
            for (int i = 0; i < gf[k].Length; i++)
            {
                Assert.True(Math.Abs(gf[k][i] - gc[k][i]) <= 1e-4, $"grad {k}[{i}]: fused {gf[k][i]}, composed {gc[k][i]}");
                largest = Math.Max(largest, Math.Abs(gc[k][i]));
            }

            Assert.True(largest > 0.1, $"gradient {k} is degenerate (max {largest})");
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)] // composed fallback of the packed entry
    public void PackedQkvAgreesWithSeparateHeadsAndReturnsAPackedGradient(bool causal, bool fused)
    {
        const long b = 2, t = 9, h = 3, d = 4;
        using var scope = new DisposeScope();
        using var g = new Generator(8);
        var proj = Tensor.RandN([b, t, 3 * h * d], g).RequiresGradInPlace(); // a Linear(D → 3D) output
        var r = Tensor.RandN([b, h, t, d], g);
        var yp = Functional.ScaledDotProductAttentionPacked(proj.View(b, t, 3, h, d), causal, allowFused: fused);
        (yp * r).Sum().Backward();
        var packedGrad = proj.Grad!.ToArray<float>();
        Assert.True(proj.Grad!.IsContiguous);
        proj.Grad = null;
        var parts = proj.View(b, t, 3, h, d).Permute(2, 0, 3, 1, 4).Unbind(0);
        var ys = Functional.ScaledDotProductAttention(parts[0], parts[1], parts[2], causal, allowFused: false);
        (ys * r).Sum().Backward();
        var expected = ys.Contiguous().ToArray<float>();
        var got = yp.Contiguous().ToArray<float>();
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-5, $"output {i}: {got[i]} vs {expected[i]}");
        var eg = proj.Grad!.ToArray<float>();
        for (int i = 0; i < eg.Length; i++) Assert.True(Math.Abs(packedGrad[i] - eg[i]) <= 1e-4, $"grad {i}: {packedGrad[i]} vs {eg[i]}");
        Assert.True(eg.Max(Math.Abs) > 0.1);
    }

    [Fact]
    public void PackedQkvMustBeFiveDimensionalWithThreeSlices()
    {
        using var scope = new DisposeScope();
        var e = Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttentionPacked(Tensor.Zeros([2, 4, 2, 3, 8])));
        Assert.Contains("packed attention expects qkv of shape (B, T, 3, H, d), got [2, 4, 2, 3, 8]", e.Message);
    }

    [Fact]
    public void AnExpandedGradientIsCopiedBeforeBlasReadsIt()
    {
        // The gradient of y.Sum(2) is an expand with row stride 0, which BLAS would reject (leaving dv unwritten).
        using var scope = new DisposeScope();
        using var g = new Generator(9);
        var x = Tensor.RandN([2, 6, 3, 4], g).RequiresGradInPlace();
        float[] Grad(bool fused)
        {
            x.Grad = null;
            var y = Functional.ScaledDotProductAttention(x.Transpose(1, 2), x.Transpose(1, 2), x.Transpose(1, 2), causal: true, allowFused: fused);
            (y.Sum(2) * Tensor.RandN([2, 3, 4], new Generator(10))).Sum().Backward();
            return x.Grad!.ToArray<float>();
        }

        var fused = Grad(true);
        var composed = Grad(false);
        for (int i = 0; i < fused.Length; i++) Assert.True(Math.Abs(fused[i] - composed[i]) <= 1e-5, $"{i}: fused {fused[i]}, composed {composed[i]}");
        Assert.True(composed.Max(Math.Abs) > 0.01);
    }

    [Fact]
    public void ANaNScoreMakesItsRowNaNAsInTheComposedGraph()
    {
        using var scope = new DisposeScope();
        var q = Tensor.RandN([1, 1, 4, 8]);
        var k = Tensor.RandN([1, 1, 16, 8]);
        var data = k.ToArray<float>();
        data[3 * 8] = float.NaN; // key 3: inside the vector lanes of every row's exp
        var kn = Tensor.From<float>(data, [1, 1, 16, 8]);
        var y = Functional.ScaledDotProductAttention(q, kn, Tensor.RandN([1, 1, 16, 8])).ToArray<float>();
        Assert.All(y, v => Assert.True(float.IsNaN(v), $"expected NaN, got {v}"));
    }

    [Fact]
    public void OutputAndGradientsAreLaidOutBatchTimeHeadDim()
    {
        using var scope = new DisposeScope();
        var q = Tensor.RandN([2, 7, 3, 4]).RequiresGradInPlace();
        var y = Functional.ScaledDotProductAttention(q.Transpose(1, 2), q.Transpose(1, 2), q.Transpose(1, 2), causal: true);
        Assert.True(y.Transpose(1, 2).IsContiguous); // (B, T, H, d) memory: the reshape back to (B, T, H·d) is a view
        y.Sum().Backward();
        Assert.True(q.Grad!.IsContiguous);
    }

    [Fact]
    public void OtherDtypesTakeTheComposedGraph()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(4);
        var q = Tensor.RandN([1, 2, 6, 8], g);
        var expected = Functional.ScaledDotProductAttention(q, q, q, causal: true).ToArray<float>();
        var bf = Functional.ScaledDotProductAttention(q.To(DType.BFloat16), q.To(DType.BFloat16), q.To(DType.BFloat16), causal: true);
        Assert.Equal(DType.BFloat16, bf.DType);
        var got = bf.To(DType.Float32).ToArray<float>();
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 0.05, $"{i}: bf16 {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void BadShapesGetMessagesThatNameTheShapes()
    {
        using var scope = new DisposeScope();
        var q = Tensor.Zeros([1, 2, 4, 8]);
        var e = Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttention(q, Tensor.Zeros([1, 2, 4, 6]), Tensor.Zeros([1, 2, 4, 8])));
        Assert.Contains("q and k must agree in B, H and d", e.Message);
        e = Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttention(q, Tensor.Zeros([1, 2, 3, 8]), Tensor.Zeros([1, 2, 3, 8]), causal: true));
        Assert.Contains("causal attention needs at least as many keys as queries, got 3 keys for 4 queries", e.Message);
        e = Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttention(Tensor.Zeros([2, 4, 8]), q, q));
        Assert.Contains("(B, H, T, d)", e.Message);
        e = Assert.Throws<TorchException>(() => Functional.ScaledDotProductAttention(q, q, Tensor.Zeros([1, 2, 5, 8])));
        Assert.Contains("k and v must agree in (B, H, S)", e.Message);
    }

    [Fact]
    public void ScopedStepsLeaveNoLiveTensors()
    {
        using var q = DisposeScope.Detach(Tensor.RandN([2, 3, 16, 8])).RequiresGradInPlace();
        for (int i = 0; i < 3; i++)
        {
            using var warm = new DisposeScope();
            Functional.ScaledDotProductAttention(q, q, q, causal: true).Sum().Backward();
        }

        q.Grad = null;
        long baseline = TestUtil.SettledLiveTensors();
        for (int i = 0; i < 200; i++)
        {
            using var scope = new DisposeScope();
            q.Grad = null;
            Functional.ScaledDotProductAttention(q, q, q, causal: i % 2 == 0).Sum().Backward();
        }

        q.Grad = null;
        Assert.Equal(baseline, TestUtil.SettledLiveTensors());
    }
}
