namespace AlgoPerfSharp.Torch.Tests;

/// <summary>The fused products of the shampoo and muon sections: in-place addmm, mm into a preallocated output, batched Newton–Schulz.</summary>
public sealed class MatMulInPlaceTests
{
    [Fact]
    public void AddMmInPlaceIsBetaSelfPlusAlphaProductWithTransposedViews()
    {
        using var scope = new DisposeScope();
        var c = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } });
        var a = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var same = c.AddMmInPlace(a, a.T(), beta: 0.5, alpha: 2);
        Assert.True(same.IsSameAs(c));

        // A·Aᵀ = [[14, 32], [32, 77]] by hand; 0.5·C + 2·A·Aᵀ.
        Assert.Equal([28.5, 65, 65.5, 156], c.ToArray<double>());
    }

    [Fact]
    public void AddMmInPlaceRejectsAMismatchedShape()
    {
        using var scope = new DisposeScope();
        var c = Tensor.Zeros([2, 2], DType.Float64);
        var a = Tensor.Ones([2, 3], DType.Float64);
        Assert.Throws<TorchException>(() => c.AddMmInPlace(a, a));
        Assert.Equal([0.0, 0, 0, 0], c.ToArray<double>());
    }

    [Fact]
    public void MmIntoWritesTheProductIntoTheGivenTensor()
    {
        using var scope = new DisposeScope();
        var o = Tensor.Empty([2, 2], DType.Float64);
        var a = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.From(new double[,] { { 0, 1 }, { 1, 0 } });
        Assert.True(o.MmInto(a, b).IsSameAs(o));
        Assert.Equal([2.0, 1, 4, 3], o.ToArray<double>());
    }

    [Fact]
    public void NewtonSchulzInPlaceRunsTheIterationOnEachMatrixOfTheBatch()
    {
        using var scope = new DisposeScope();
        long live = TorchRuntime.LiveTensors;
        // X = [[3, 0], [0, 4], [0, 0]] (tall: iterated as its 2×3 transpose), ‖X‖_F = 5, so X/5 has singular values
        // 0.6 and 0.8. One step with (a, b, c) = (0, 1, 0) maps each σ to σ³ (X ← X·XᵀX in either orientation):
        // 0.216 and 0.512; scale 2 doubles them. The second matrix is the first times 10 (same after normalising).
        var x = Tensor.From(new double[,] { { 3, 0 }, { 0, 4 }, { 0, 0 } });
        var y = Tensor.From(new double[,] { { 30, 0 }, { 0, 40 }, { 0, 0 } });
        FusedSteps.NewtonSchulzInPlace([x, y], steps: 1, a: 0, b: 1, c: 0, epsilon: 0, DType.Float64, scale: 2);
        double[] expected = [0.432, 0, 0, 1.024, 0, 0];
        double[] gx = x.ToArray<double>(), gy = y.ToArray<double>();
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expected[i], gx[i], 1e-15);
            Assert.Equal(expected[i], gy[i], 1e-15);
        }

        // (a, b, c) = (1, 0, 0) only normalises: X/(‖X‖_F + ε).
        var z = Tensor.From(new double[,] { { 1, 2, 2 } });
        FusedSteps.NewtonSchulzInPlace([z], steps: 3, a: 1, b: 0, c: 0, epsilon: 1, DType.Float64);
        Assert.Equal([0.25, 0.5, 0.5], z.ToArray<double>());
        Assert.Equal(live + 3, TorchRuntime.LiveTensors); // the call leaves no native tensor behind
    }

    [Theory]
    [InlineData(false)] // similar sizes: dealt to the threads, each running its batches single-threaded
    [InlineData(true)]  // one matrix above a thread's share: the batches run in turn
    public void NewtonSchulzManyInPlaceGivesEachMatrixItsShapeBatchsResult(bool dominant)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(21);
        long[][] shapes = dominant
            ? [[6, 40], [3, 5], [5, 3], [3, 5]]
            : [[6, 10], [10, 6], [6, 10], [4, 12], [6, 10], [12, 4], [5, 5]];
        var xs = shapes.Select(s => Tensor.Empty(s, DType.Float64).NormalInPlace(0, 1, gen)).ToList();
        var expected = xs.Select(x => x.Clone()).ToList();
        double[] scales = shapes.Select((s, i) => 1.0 + (0.25 * i)).ToArray();
        // The reference: each matrix through the one-batch export, by itself, with its own scale.
        for (int i = 0; i < xs.Count; i++) FusedSteps.NewtonSchulzInPlace([expected[i]], 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64, scales[i]);
        long live = TorchRuntime.LiveTensors;
        FusedSteps.NewtonSchulzManyInPlace(xs, scales, 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64);
        Assert.Equal(live, TorchRuntime.LiveTensors); // the call leaves no native tensor behind
        for (int i = 0; i < xs.Count; i++)
        {
            double[] want = expected[i].ToArray<double>(), got = xs[i].ToArray<double>();
            for (int j = 0; j < got.Length; j++) Assert.Equal(want[j], got[j], 1e-12);
        }
    }

    [Fact]
    public void NewtonSchulzManyInPlaceRejectsBadListsAndLeavesTheMatricesAlone()
    {
        using var scope = new DisposeScope();
        var x = Tensor.Ones([2, 3], DType.Float64);
        var v = Tensor.Ones([3], DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => FusedSteps.NewtonSchulzManyInPlace([x], [1.0, 2.0], 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64));
        Assert.Equal("lists differ in length: matrices 1, scales 2 (Parameter 'scales')", e.Message);
        var t = Assert.Throws<TorchException>(() => FusedSteps.NewtonSchulzManyInPlace([x, v], [1.0, 1.0], 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64));
        Assert.Contains("matrix 1 is not 2-D", t.Message);
        Assert.Equal(Enumerable.Repeat(1.0, 6), x.ToArray<double>());
    }

    [Fact]
    public void NewtonSchulzInPlaceRejectsMixedShapesAndLeavesTheMatricesAlone()
    {
        using var scope = new DisposeScope();
        var x = Tensor.Ones([2, 3], DType.Float64);
        var y = Tensor.Ones([3, 2], DType.Float64);
        var e = Assert.Throws<TorchException>(() => FusedSteps.NewtonSchulzInPlace([x, y], 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float32));
        Assert.Contains("matrix 1 has shape [3, 2], not the batch's [2, 3]", e.Message);
        Assert.Equal(Enumerable.Repeat(1.0, 6), x.ToArray<double>());
        Assert.Equal(Enumerable.Repeat(1.0, 6), y.ToArray<double>());
    }
}
