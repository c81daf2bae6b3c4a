using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// The vector kernels under pb_lbfgs (<see cref="VectorKernels"/>): dot products of flat and per-segment vectors against
/// float64 loops over the same products, the same bits for a pair however the call is made up, linear combinations
/// bit-equal to the float64 loop in the documented order, and bad input refused in one line.
/// </summary>
public sealed class LbfgsVectorKernelsTests
{
    // four segments: a short one, one across two 8192-element blocks with a tail, 5 elements, and one of 3000
    private static readonly long[] Segments = [17, 9000, 5, 3000];
    private static readonly long[][] Shapes = [[17], [60, 150], [5], [3000]];
    private static readonly int N = (int)Segments.Sum();

    private static float[] Floats(int seed) => [.. Enumerable.Range(0, N).Select(i => (float)(new Random(seed + (i * 7919)).NextDouble() - 0.5))];

    /// <summary>The vector as one tensor per segment, in the segments' shapes.</summary>
    private static Tensor[] Split<T>(T[] values)
        where T : unmanaged
    {
        var parts = new Tensor[Segments.Length];
        int offset = 0;
        for (int k = 0; k < parts.Length; k++)
        {
            parts[k] = Tensor.From<T>(values.AsSpan(offset, (int)Segments[k]), Shapes[k]);
            offset += (int)Segments[k];
        }

        return parts;
    }

    [Fact]
    public void DotsOfFlatAndSegmentedFloat32VectorsEqualTheFloat64SumOfFloat32Products()
    {
        using var scope = new DisposeScope();
        float[] a = Floats(1), b = Floats(2), c = Floats(3);
        var vectors = new IReadOnlyList<Tensor>[] { [Tensor.From<float>(a)], Split(b), [Tensor.From<float>(c)] };
        double[] d = VectorKernels.Dots(vectors, Segments, [(0, 1), (0, 2), (0, 0), (1, 2), (2, 1)]);

        static (double Sum, double Abs) Loop(float[] x, float[] y)
        {
            double sum = 0, abs = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double p = x[i] * y[i]; // the product rounded to float32, as ATen's (x * y).Sum(dtype: Float64)
                sum += p;
                abs += Math.Abs(p);
            }

            return (sum, abs);
        }

        (float[], float[])[] expected = [(a, b), (a, c), (a, a), (b, c), (c, b)];
        for (int i = 0; i < expected.Length; i++)
        {
            var (sum, abs) = Loop(expected[i].Item1, expected[i].Item2);
            Assert.True(Math.Abs(d[i] - sum) <= 1e-14 * abs, $"pair {i}: {d[i]:R} vs {sum:R}");
        }

        // a dot product depends on its two vectors only: the same bits with the order swapped, alone, or segmented
        Assert.Equal(d[3], d[4]);
        Assert.Equal(d[1], VectorKernels.Dots(vectors, Segments, [(2, 0)])[0]);
        Assert.Equal(d[0], VectorKernels.Dots([Split(a), [Tensor.From<float>(b)]], Segments, [(0, 1)])[0]);
    }

    [Fact]
    public void ACombinationIsTheFloat64SumInOrderRoundedOnce()
    {
        using var scope = new DisposeScope();
        float[] a = Floats(4), b = Floats(5), c = Floats(6);
        double[,] k = { { 0.3, -1.25, 2.0 / 3 }, { 0, 1e-3, -7 } };
        var outputs = new[] { Tensor.Empty([N]), Tensor.Empty([N]) };
        VectorKernels.Combine([[Tensor.From<float>(a)], Split(b), [Tensor.From<float>(c)]], Segments, k, outputs);
        for (int o = 0; o < 2; o++)
        {
            float[] got = outputs[o].ToArray<float>();
            for (int i = 0; i < N; i++)
            {
                double acc = k[o, 0] * a[i];
                acc += k[o, 1] * b[i];
                acc += k[o, 2] * c[i];
                if (k[o, 0] == 0) acc = (k[o, 1] * b[i]) + (k[o, 2] * c[i]); // a zero coefficient is skipped, not added
                Assert.Equal((float)acc, got[i]);
            }
        }

        // float64: the same order, no rounding at the end
        double[] x = [.. a.Select(v => (double)v)], y = [.. b.Select(v => (double)v)];
        using var z = Tensor.Empty([N], DType.Float64);
        VectorKernels.Combine([Split(x), [Tensor.From<double>(y)]], Segments, new double[,] { { 1.0 / 3, -0.1 } }, [z]);
        double[] zs = z.ToArray<double>();
        for (int i = 0; i < N; i++) Assert.Equal((1.0 / 3 * x[i]) + (-0.1 * y[i]), zs[i]);
    }

    [Fact]
    public void VectorsThatDoNotFitTheSegmentsAreRefusedInOneLine()
    {
        using var scope = new DisposeScope();
        var flat = Tensor.From<float>(Floats(7));
        var shortOne = Tensor.From<float>(Floats(7).AsSpan(0, N - 1));
        var e = Assert.Throws<TorchException>(() => VectorKernels.Dots([[flat], [shortOne]], Segments, [(0, 1)]));
        Assert.StartsWith($"lbfgs: vector 1 has {N - 1} elements, expected {N}", e.Message);

        var two = Split(Floats(8)).Take(2).ToArray();
        e = Assert.Throws<TorchException>(() => VectorKernels.Dots([[flat], two], Segments, [(0, 1)]));
        Assert.StartsWith("lbfgs: vector 1 has 2 tensors; give 1 (flat) or one per segment (4)", e.Message);

        e = Assert.Throws<TorchException>(() => VectorKernels.Combine([[flat]], Segments, new double[,] { { 2 } }, [flat]));
        Assert.StartsWith("lbfgs_combine: output 0 shares memory with an input vector", e.Message);
    }
}
