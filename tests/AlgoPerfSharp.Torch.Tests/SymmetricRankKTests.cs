namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// <see cref="Tensor.AddSymmetricRankKInPlace"/>: F ← β·F + α·A·Aᵀ by BLAS syrk (one triangle, mirrored) on every layout
/// of A the Shampoo factors use (another layout is copied first); checked by hand and against <see cref="Tensor.AddMmInPlace"/>.
/// </summary>
public sealed class SymmetricRankKTests
{
    [Fact]
    public void RowAndColumnMajorOperandsGiveTheHandComputedUpdate()
    {
        using var scope = new DisposeScope();

        // A·Aᵀ = [[14, 32], [32, 77]] by hand; 0.5·F + 2·A·Aᵀ with F = [[1, 2], [2, 4]].
        double[] expected = [28.5, 65, 65, 156];
        var rowMajor = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var colMajor = Tensor.From(new double[,] { { 1, 4 }, { 2, 5 }, { 3, 6 } }).T();
        foreach (var a in new[] { rowMajor, colMajor })
        {
            var f = Tensor.From(new double[,] { { 1, 2 }, { 2, 4 } });
            Assert.True(f.AddSymmetricRankKInPlace(a, beta: 0.5, alpha: 2).IsSameAs(f));
            Assert.Equal(expected, f.ToArray<double>());
        }
    }

    [Theory]
    [InlineData(DType.Float32, 1e-5)]
    [InlineData(DType.Float64, 1e-13)]
    public void EveryLayoutMatchesAddMmAndIsExactlySymmetric(DType dtype, double tol)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(7);
        var big = Tensor.Empty([70, 1300], dtype).NormalInPlace(0, 1, gen);
        var square = Tensor.Empty([700, 700], dtype).NormalInPlace(0, 1, gen);
        var layouts = new[]
        {
            big,                          // row-major, leading dim = k
            big.Narrow(1, 20, 600),       // row-major block of a wider matrix (leading dim > k)
            square.Narrow(1, 10, 70).Contiguous().T(), // column-major, leading dim = n (a matrix's mode-1 unfolding)
            square.T().Narrow(0, 5, 70),  // column-major block (leading dim > n)
            big.Slice(1, 0, 1300, 2),     // strided columns: neither layout, copied first
        };
        foreach (var a in layouts)
        {
            var f = AssertMatchesAddMm(a, dtype, tol, gen);
            Assert.Equal(0.0, (f - f.T()).Abs().Max().ToDouble());
        }
    }

    [Fact]
    public void SmallProductsTakeAddMm()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(8);
        var a = Tensor.Empty([40, 300], DType.Float64).NormalInPlace(0, 1, gen);
        AssertMatchesAddMm(a, DType.Float64, 0, gen);
    }

    private static Tensor AssertMatchesAddMm(Tensor a, DType dtype, double tol, Generator gen)
    {
        long n = a.Shape[0];
        var start = Tensor.Empty([n, n], dtype).NormalInPlace(0, 1, gen);
        start = start + start.T();
        var reference = start.Clone().AddMmInPlace(a, a.T(), beta: 0.9, alpha: 0.1);
        var f = start.Clone().AddSymmetricRankKInPlace(a, beta: 0.9, alpha: 0.1);
        double scale = reference.Abs().Max().ToDouble();
        Assert.True((f - reference).Abs().Max().ToDouble() <= tol * scale, $"the {string.Join("x", a.Shape)} operand differs from addmm");
        return f;
    }

    [Fact]
    public void AMismatchedShapeIsRejectedAndLeavesTheMatrixAlone()
    {
        using var scope = new DisposeScope();
        var f = Tensor.Zeros([2, 2], DType.Float64);
        var a = Tensor.Ones([3, 4], DType.Float64);
        Assert.Throws<TorchException>(() => f.AddSymmetricRankKInPlace(a));
        Assert.Equal([0.0, 0, 0, 0], f.ToArray<double>());
    }
}
