using System.Text.RegularExpressions;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Embedding bags (forward, dense and sparse backward) and sparse COO gradients against float64 loops written here.
/// Tables, per-sample weights and upstream gradients are multiples of 1/4 or 1/8, so every sum is exact in float64
/// whatever the order of additions: sums compare with Assert.Equal, means (a division) to 1e-12.
/// </summary>
public sealed class EmbeddingBagTests
{
    private const int V = 8, D = 3;

    // Bags: [1, 4, 4], [] (empty), [0, 5], [2, 3]; rows 6 and 7 are never looked up.
    private static readonly long[] Ids = [1, 4, 4, 0, 5, 2, 3];
    private static readonly long[] Offsets = [0, 3, 3, 5];
    private static readonly double[] SampleWeights = [0.5, 2, -1, 1.5, 0.25, 1, -0.5];

    private static int Bags => Offsets.Length;

    private static double W(long row, int d) => (((row * D) + d) * 0.25) - 1.5;

    private static double C(int bag, int d) => ((bag * 5) + (d * 3) - 7) * 0.125;

    private static int End(int bag) => bag + 1 < Bags ? (int)Offsets[bag + 1] : Ids.Length;

    private static Tensor Table()
    {
        var w = new double[V * D];
        for (int r = 0; r < V; r++)
        {
            for (int d = 0; d < D; d++) w[(r * D) + d] = W(r, d);
        }

        return Tensor.From<double>(w, [V, D]).RequiresGradInPlace();
    }

    private static Tensor Upstream()
    {
        var c = new double[Bags * D];
        for (int b = 0; b < Bags; b++)
        {
            for (int d = 0; d < D; d++) c[(b * D) + d] = C(b, d);
        }

        return Tensor.From<double>(c, [Bags, D]);
    }

    [Fact]
    public void ForwardSumMeanMaxAndWeightedSumMatchLoopsWithEmptyBagsZero()
    {
        using var scope = new DisposeScope();
        var w = Table();
        var ids = Tensor.From<long>(Ids);
        var offsets = Tensor.From<long>(Offsets);
        var sum = Functional.EmbeddingBag(w, ids, offsets, EmbeddingBagMode.Sum).ToArray<double>();
        var mean = Functional.EmbeddingBag(w, ids, offsets, EmbeddingBagMode.Mean).ToArray<double>();
        var max = Functional.EmbeddingBag(w, ids, offsets, EmbeddingBagMode.Max).ToArray<double>();
        var weighted = Functional.EmbeddingBag(w, ids, offsets, EmbeddingBagMode.Sum, perSampleWeights: Tensor.From<double>(SampleWeights)).ToArray<double>();
        Assert.Equal(Bags * D, sum.Length);
        for (int b = 0; b < Bags; b++)
        {
            int start = (int)Offsets[b], end = End(b);
            for (int d = 0; d < D; d++)
            {
                double s = 0, ws = 0, mx = double.NegativeInfinity;
                for (int k = start; k < end; k++)
                {
                    s += W(Ids[k], d);
                    ws += SampleWeights[k] * W(Ids[k], d);
                    mx = Math.Max(mx, W(Ids[k], d));
                }

                int n = end - start;
                Assert.Equal(s, sum[(b * D) + d]);
                Assert.Equal(ws, weighted[(b * D) + d]);
                Assert.Equal(n == 0 ? 0 : s / n, mean[(b * D) + d], 12);
                Assert.Equal(n == 0 ? 0 : mx, max[(b * D) + d]);
            }
        }

        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, sum.AsSpan(D, D).ToArray()); // bag 1 is empty
    }

    [Fact]
    public void DenseBackwardScattersTheUpstreamRowsAndTheSampleWeightGradientIsTheDotProduct()
    {
        using var scope = new DisposeScope();
        var w = Table();
        var psw = Tensor.From<double>(SampleWeights).RequiresGradInPlace();
        (Functional.EmbeddingBag(w, Tensor.From<long>(Ids), Tensor.From<long>(Offsets), EmbeddingBagMode.Sum, perSampleWeights: psw) * Upstream()).Sum().Backward();
        var grad = w.Grad!;
        Assert.False(grad.IsSparse);
        var expected = new double[V * D];
        var expectedPsw = new double[Ids.Length];
        for (int b = 0; b < Bags; b++)
        {
            for (int k = (int)Offsets[b]; k < End(b); k++)
            {
                for (int d = 0; d < D; d++)
                {
                    expected[(Ids[k] * D) + d] += SampleWeights[k] * C(b, d);
                    expectedPsw[k] += W(Ids[k], d) * C(b, d);
                }
            }
        }

        Assert.Equal(expected, grad.ToArray<double>());
        Assert.Equal(expectedPsw, psw.Grad!.ToArray<double>());
    }

    [Theory]
    [InlineData(EmbeddingBagMode.Sum)]
    [InlineData(EmbeddingBagMode.Mean)]
    public void SparseBackwardHoldsTheLookedUpRowsAndDensifiesToTheDenseGradient(EmbeddingBagMode mode)
    {
        using var scope = new DisposeScope();
        var dense = Table();
        var sparse = Table();
        var ids = Tensor.From<long>(Ids);
        var offsets = Tensor.From<long>(Offsets);
        (Functional.EmbeddingBag(dense, ids, offsets, mode) * Upstream()).Sum().Backward();
        (Functional.EmbeddingBag(sparse, ids, offsets, mode, sparse: true) * Upstream()).Sum().Backward();

        var g = sparse.Grad!;
        Assert.True(g.IsSparse);
        Assert.Equal(new long[] { V, D }, g.Shape);
        var expected = new double[V * D];
        for (int b = 0; b < Bags; b++)
        {
            int n = End(b) - (int)Offsets[b];
            for (int k = (int)Offsets[b]; k < End(b); k++)
            {
                for (int d = 0; d < D; d++) expected[(Ids[k] * D) + d] += mode == EmbeddingBagMode.Sum ? C(b, d) : C(b, d) / n;
            }
        }

        var (rows, values) = g.SparseRows();
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, rows.ToArray<long>()); // unique, ascending; 6 and 7 absent
        var v = values.ToArray<double>();
        var densified = g.ToDense().ToArray<double>();
        var reference = dense.Grad!.ToArray<double>();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], densified[i], 12);
            Assert.Equal(reference[i], densified[i], 12);
        }

        for (int r = 0; r < 6; r++)
        {
            for (int d = 0; d < D; d++) Assert.Equal(expected[(r * D) + d], v[(r * D) + d], 12);
        }

        Assert.Equal(new double[2 * D], densified.AsSpan(6 * D).ToArray()); // absent rows are exactly zero
    }

    [Fact]
    public void DensifyGradInPlaceReplacesOnlySparseGradients()
    {
        using var scope = new DisposeScope();
        var w = Table();
        (Functional.EmbeddingBag(w, Tensor.From<long>(Ids), Tensor.From<long>(Offsets), sparse: true) * Upstream()).Sum().Backward();
        var expected = w.Grad!.ToDense().ToArray<double>();
        Assert.True(w.DensifyGradInPlace());
        Assert.False(w.Grad!.IsSparse);
        Assert.Equal(expected, w.Grad!.ToArray<double>());
        Assert.False(w.DensifyGradInPlace()); // already dense
        w.Grad = null;
        Assert.False(w.DensifyGradInPlace()); // no gradient
    }

    [Fact]
    public void SparseFromRowsSumsRepeatsAndSparseRowsCoalesces()
    {
        using var scope = new DisposeScope();
        var s = Tensor.SparseFromRows(Tensor.From<long>([5, 1, 5]), Tensor.From<double>([1, 2, 3, 4, 5, 6], [3, 2]), 7);
        Assert.True(s.IsSparse);
        Assert.Equal(new long[] { 7, 2 }, s.Shape);
        var dense = s.ToDense().ToArray<double>();
        Assert.Equal(new double[] { 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 1 + 5, 2 + 6, 0, 0 }, dense);
        var (rows, values) = s.SparseRows();
        Assert.Equal(new long[] { 1, 5 }, rows.ToArray<long>());
        Assert.Equal(new double[] { 3, 4, 6, 8 }, values.ToArray<double>());
        var plain = Tensor.From<double>([1, 2]);
        Assert.False(plain.IsSparse);
        using var same = plain.ToDense();
        Assert.Equal(new double[] { 1, 2 }, same.ToArray<double>());
    }

    [Fact]
    public void BadInputGivesOneLineErrors()
    {
        using var scope = new DisposeScope();
        var w = Table();
        var ids = Tensor.From<long>(Ids);
        var offsets = Tensor.From<long>(Offsets);
        AssertOneLine("ids must be in [0, 8); got ids from 0 to 8", () => Functional.EmbeddingBag(w, Tensor.From<long>([0, 8]), Tensor.From<long>([0])));
        AssertOneLine("ids must be in [0, 8); got ids from -1 to 3", () => Functional.EmbeddingBag(w, Tensor.From<long>([3, -1]), Tensor.From<long>([0])));
        AssertOneLine("offsets[0] must be 0; got 1", () => Functional.EmbeddingBag(w, ids, Tensor.From<long>([1, 3])));
        AssertOneLine("offsets must be non-decreasing", () => Functional.EmbeddingBag(w, ids, Tensor.From<long>([0, 4, 2])));
        AssertOneLine("the last offset must be <= the 7 ids; got 9", () => Functional.EmbeddingBag(w, ids, Tensor.From<long>([0, 9])));
        AssertOneLine("ids must be a 1-D int64 tensor", () => Functional.EmbeddingBag(w, Tensor.From<int>([0, 1]), Tensor.From<long>([0])));
        AssertOneLine("sparse gradients need mode sum or mean, not max", () => Functional.EmbeddingBag(w, ids, offsets, EmbeddingBagMode.Max, sparse: true));
        AssertOneLine("per-sample weights need mode sum", () => Functional.EmbeddingBag(w, ids, offsets, EmbeddingBagMode.Mean, perSampleWeights: Tensor.From<double>(SampleWeights)));
        AssertOneLine("one weight per id (7)", () => Functional.EmbeddingBag(w, ids, offsets, perSampleWeights: Tensor.From<double>([1, 2])));
        AssertOneLine("is dense", () => Tensor.From<double>([1, 2]).SparseRows());
        AssertOneLine("rows must be in [0, 4); got rows from 1 to 4", () => Tensor.SparseFromRows(Tensor.From<long>([1, 4]), Tensor.Zeros([2, 3], DType.Float64), 4));
        AssertOneLine("one row per id (2)", () => Tensor.SparseFromRows(Tensor.From<long>([1, 2]), Tensor.Zeros([3, 3], DType.Float64), 4));
        Assert.Null(w.Grad); // nothing ran
    }

    [Fact]
    public void BagModeCodesMirrorAtsH()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "torch", "native", "include", "ats.h"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string header = File.ReadAllText(Path.Combine(dir.FullName, "torch", "native", "include", "ats.h"));
        var body = Regex.Match(header, @"enum ats_bag_mode\s*\{([^}]*)\}");
        Assert.True(body.Success, "ats_bag_mode not found in ats.h");
        var native = Regex.Matches(body.Groups[1].Value, @"ATS_BAG_(\w+)\s*=\s*(\d+)")
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var managed = Enum.GetValues<EmbeddingBagMode>().ToDictionary(v => v.ToString().ToUpperInvariant(), v => (int)v);
        Assert.Equal(native.OrderBy(kv => kv.Value), managed.OrderBy(kv => kv.Value));
    }

    [Fact]
    public void SparseStepsLeaveNoLiveTensors()
    {
        long baseline = TestUtil.SettledLiveTensors();
        for (int i = 0; i < 3; i++)
        {
            using var scope = new DisposeScope();
            var w = Table();
            (Functional.EmbeddingBag(w, Tensor.From<long>(Ids), Tensor.From<long>(Offsets), sparse: true) * Upstream()).Sum().Backward();
            var (rows, values) = w.Grad!.SparseRows();
            Assert.Equal(6, rows.NumElements);
            Assert.Equal(6 * D, values.NumElements);
            w.DensifyGradInPlace();
            w.Dispose();
        }

        Assert.Equal(baseline, TestUtil.SettledLiveTensors());
    }

    private static void AssertOneLine(string fragment, Action call)
    {
        var e = Assert.Throws<TorchException>(call);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message.TrimEnd(), StringComparison.Ordinal);
    }
}
