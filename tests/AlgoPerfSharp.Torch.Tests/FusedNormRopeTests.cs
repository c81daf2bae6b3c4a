using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>The fused RMSNorm and rotary-embedding nodes against their formulas, in float32 and bfloat16 (composed fallback).</summary>
public sealed class FusedNormRopeTests
{
    [Theory]
    [InlineData(DType.Float32, 1e-5)]
    [InlineData(DType.BFloat16, 3e-2)] // not fused: the composed graph
    public void RmsNormForwardAndGradientsMatchTheComposedFormula(DType dtype, double tol)
    {
        using var scope = new DisposeScope();
        using var g = new Generator(11);
        var x = Tensor.RandN([5, 7, 24], g).To(dtype).RequiresGradInPlace();
        var w = Tensor.RandN([24], g).To(dtype).RequiresGradInPlace();
        var r = Tensor.RandN([5, 7, 24], g).To(dtype);
        var fused = Functional.RmsNorm(x, w, 1e-5);
        (fused * r).Sum().Backward();
        float[] yf = fused.To(DType.Float32).ToArray<float>(), gxf = x.Grad!.To(DType.Float32).ToArray<float>(), gwf = w.Grad!.To(DType.Float32).ToArray<float>();
        x.Grad = w.Grad = null;
        var composed = x * x.Square().Mean(-1, keepDim: true).Add(1e-5).Rsqrt() * w;
        (composed * r).Sum().Backward();
        AssertClose(composed.To(DType.Float32).ToArray<float>(), yf, tol, "y");
        AssertClose(x.Grad!.To(DType.Float32).ToArray<float>(), gxf, tol, "dx");
        AssertClose(w.Grad!.To(DType.Float32).ToArray<float>(), gwf, tol * 10, "dw"); // a sum over 35 rows
        Assert.Equal(dtype, fused.DType);
    }

    [Fact]
    public void RotaryEmbeddingRotatesEachChannelPairByItsAngle()
    {
        // x' = x cos θ − x_{i+d/2} sin θ (first half), x_{i+d/2} cos θ + x_i sin θ (second half), θ from row t of the tables.
        using var scope = new DisposeScope();
        using var g = new Generator(12);
        const int b = 2, h = 3, t = 4, d = 6, half = d / 2;
        var x = Tensor.RandN([b, t, h, d], g).Transpose(1, 2); // (B, H, T, d) over (B, T, H, d) memory
        var angles = Tensor.RandN([t + 2, half], g, DType.Float64).ToArray<double>();
        var cosData = new double[(t + 2) * d];
        var sinData = new double[(t + 2) * d];
        for (int p = 0; p < t + 2; p++)
        {
            for (int i = 0; i < half; i++)
            {
                cosData[(p * d) + i] = cosData[(p * d) + i + half] = Math.Cos(angles[(p * half) + i]);
                sinData[(p * d) + i] = sinData[(p * d) + i + half] = Math.Sin(angles[(p * half) + i]);
            }
        }

        var y = Functional.RotaryEmbedding(x, Tensor.From<double>(cosData, [t + 2, d]).To(DType.Float32), Tensor.From<double>(sinData, [t + 2, d]).To(DType.Float32));
        Assert.Equal([b, h, t, d], y.Shape);
        Assert.True(y.Transpose(1, 2).IsContiguous); // keeps the (B, T, H, d) layout
        var xs = x.Contiguous().ToArray<float>();
        var ys = y.Contiguous().ToArray<float>();
        for (int row = 0; row < b * h * t; row++)
        {
            int p = row % t;
            for (int i = 0; i < half; i++)
            {
                double c = Math.Cos(angles[(p * half) + i]), s = Math.Sin(angles[(p * half) + i]);
                double x1 = xs[(row * d) + i], x2 = xs[(row * d) + i + half];
                Assert.Equal((x1 * c) - (x2 * s), ys[(row * d) + i], 1e-5);
                Assert.Equal((x2 * c) + (x1 * s), ys[(row * d) + i + half], 1e-5);
            }
        }
    }

    [Fact]
    public void BadShapesGetMessages()
    {
        using var scope = new DisposeScope();
        var e = Assert.Throws<TorchException>(() => Functional.RmsNorm(Tensor.Zeros([3, 4]), Tensor.Ones([5])));
        Assert.Contains("weight must be (D) = (4), got [5]", e.Message);
        e = Assert.Throws<TorchException>(() => Functional.RotaryEmbedding(Tensor.Zeros([1, 2, 3, 5]), Tensor.Zeros([3, 5]), Tensor.Zeros([3, 5])));
        Assert.Contains("even d", e.Message);
        e = Assert.Throws<TorchException>(() => Functional.RotaryEmbedding(Tensor.Zeros([1, 2, 3, 4]), Tensor.Zeros([2, 4]), Tensor.Zeros([2, 4])));
        Assert.Contains("cos and sin must be (>= T, d) = (>= 3, 4)", e.Message);
    }

    [Fact]
    public void ScopedStepsLeaveNoLiveTensors()
    {
        using var x = DisposeScope.Detach(Tensor.RandN([2, 3, 8, 4])).RequiresGradInPlace();
        using var w = DisposeScope.Detach(Tensor.Ones([4])).RequiresGradInPlace();
        using var cos = DisposeScope.Detach(Tensor.Ones([8, 4]));
        using var sin = DisposeScope.Detach(Tensor.Zeros([8, 4]));
        long baseline = TestUtil.SettledLiveTensors();
        for (int i = 0; i < 200; i++)
        {
            using var scope = new DisposeScope();
            x.Grad = w.Grad = null;
            Functional.RmsNorm(Functional.RotaryEmbedding(x, cos, sin), w).Sum().Backward();
        }

        x.Grad = w.Grad = null;
        Assert.Equal(baseline, TestUtil.SettledLiveTensors());
    }

    private static void AssertClose(float[] expected, float[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }
}
