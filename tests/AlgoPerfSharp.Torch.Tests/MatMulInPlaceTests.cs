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
