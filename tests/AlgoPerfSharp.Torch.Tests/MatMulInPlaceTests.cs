namespace AlgoPerfSharp.Torch.Tests;

/// <summary>The fused products of the shampoo section: in-place addmm and mm into a preallocated output.</summary>
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
}
