using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;
using MathNet.Numerics.LinearAlgebra;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>research/optimizers.md §9 identities 6 (inverse root closed form) and 7 (warm-started QR), in float64.</summary>
public sealed class MatrixFunctionTests
{
    // A^(−1/2) = X exactly: X²·A = I in integers (checked below), so A^(−1) = X² and, X being SPD, A^(−1/2) = X.
    private static readonly double[,] A3 = { { 1195, -944, -224 }, { -944, 746, 177 }, { -224, 177, 42 } };
    private static readonly double[,] X3 = { { 1, 1, 1 }, { 1, 2, -3 }, { 1, -3, 18 } };

    [Fact]
    public void TheClosedFormFixtureIsExact()
    {
        var a = Matrix<double>.Build.DenseOfArray(A3);
        var x = Matrix<double>.Build.DenseOfArray(X3);
        Assert.Equal(Matrix<double>.Build.DenseIdentity(3), x * x * a);
    }

    [Fact]
    public void InverseSquareRootMatchesTheClosedForm()
    {
        using var scope = new DisposeScope();
        var a = Tensor.From(A3);
        var x = MatrixFunction.InverseRoot(a, 2, new InverseRootConfig(0));
        ShampooTestKit.AssertClose(Flatten(X3), x.ToArray<double>(), 1e-8);
        var inv = MatrixFunction.InverseRoot(a, 1, new InverseRootConfig(0));
        var x2 = Matrix<double>.Build.DenseOfArray(X3).Power(2);
        ShampooTestKit.AssertClose(Flatten(x2.ToArray()), inv.ToArray<double>(), 1e-8);
        Assert.Equal(DType.Float64, x.DType);
    }

    [Fact]
    public void DiagonalInverseRootAndSpectrumShift()
    {
        using var scope = new DisposeScope();
        var d = MatrixFunction.InverseRoot(Tensor.From(new double[,] { { 1, 0 }, { 0, 4 } }), 2, new InverseRootConfig(0));
        ShampooTestKit.AssertClose([1, 0, 0, 0.5], d.ToArray<double>(), 1e-14);

        // diag(−1, 2) + 0.5·I = diag(−0.5, 2.5): λ_min = −0.5 < ε, so the spectrum shifts by ε − λ_min = 1 → diag(0.5, 3.5).
        var s = MatrixFunction.InverseRoot(Tensor.From(new double[,] { { -1, 0 }, { 0, 2 } }), 1, new InverseRootConfig(0.5));
        ShampooTestKit.AssertClose([2, 0, 0, 1 / 3.5], s.ToArray<double>(), 1e-14);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void InverseRootOfARandomSpdMatrixInvertsItsPower(int r)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(5);
        var b = Tensor.RandN([10, 10], gen, DType.Float64);
        var a = b.Mm(b.T()) + Tensor.Eye(10, dtype: DType.Float64);
        var x = MatrixFunction.InverseRoot(a, r, new InverseRootConfig(0));
        var xr = x;
        for (int i = 1; i < r; i++) xr = xr.Mm(x);
        ShampooTestKit.AssertClose(Tensor.Eye(10, dtype: DType.Float64).ToArray<double>(), xr.Mm(a).ToArray<double>(), 1e-9);
    }

    [Fact]
    public void QrFromTheExactEigenvectorsTakesNoIterations()
    {
        // (i) A = Q·diag(λ)·Qᵀ with λ ascending and Q a Householder reflector: B = QᵀAQ is diagonal to rounding.
        using var scope = new DisposeScope();
        var q = Householder([1, 2, 2, -1]);
        var a = q.Mm(Linalg.Diag(Tensor.From<double>([0.5, 1, 3, 7]))).Mm(q.T());
        using var r = MatrixFunction.Eigendecompose(a, new EigendecompositionConfig(EigendecompositionMethod.QrIteration, 100, 1e-6), q);
        Assert.Equal(0, r.Iterations);
        Assert.False(r.Recomputed);
        ShampooTestKit.AssertClose([0.5, 1, 3, 7], r.Eigenvalues.ToArray<double>(), 1e-12);
        ShampooTestKit.AssertClose(q.ToArray<double>(), r.Eigenvectors.ToArray<double>(), 1e-15);
    }

    [Fact]
    public void QrFromIdentityConvergesToTheEigenpairs()
    {
        // (ii) eigenvalues from MathNet (LAPACK-free oracle): ≈ 2.896e-3, 0.1741, 1982.82 — optimizers.md rounds the first two loosely — (det A = 1/det(X)² = 1 and
        // tr A = 1983 pin them independently).
        using var scope = new DisposeScope();
        var a = Tensor.From(A3);
        using var r = MatrixFunction.Eigendecompose(a, new EigendecompositionConfig(EigendecompositionMethod.QrIteration, 10_000, 0));
        var evd = Matrix<double>.Build.DenseOfArray(A3).Evd(Symmetricity.Symmetric);
        var expected = evd.EigenValues.Select(c => c.Real).Order().ToArray();
        ShampooTestKit.AssertClose(expected, r.Eigenvalues.ToArray<double>(), 1e-9);
        var got = r.Eigenvalues.ToArray<double>();
        Assert.Equal(1, got[0] * got[1] * got[2], 1e-6); // λ_min carries the condition number (≈ 7·10⁵) times rounding
        Assert.Equal(1983, got.Sum(), 1e-9);
        Assert.Equal(1982.82, expected[2], 1e-2);

        // Eigenvectors up to sign: |Q_qrᵀ·Q_mathnet| = I, with MathNet's columns put in ascending eigenvalue order. The
        // criterion √(‖B‖² − ‖diag B‖²) cancels catastrophically (‖B‖² ≈ 4·10⁶), so τ = 0 stops once the off-diagonal mass
        // is below ≈ 10⁻⁸·‖B‖; the small eigenvalues' vectors (gap 0.17) are then good to ≈ 10⁻⁴ — the same limit as [FB]'s.
        var qm = evd.EigenVectors;
        var asc = Enumerable.Range(0, 3).OrderBy(j => evd.EigenValues[j].Real).ToArray();
        var qq = r.Eigenvectors.ToArray<double>();
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double dot = Enumerable.Range(0, 3).Sum(k => qq[(k * 3) + i] * qm[k, asc[j]]);
                Assert.Equal(i == j ? 1 : 0, Math.Abs(dot), 1e-4);
            }
        }
    }

    [Fact]
    public void OneQrIterationIsOneStepOfOrthogonalIteration()
    {
        // (iii) Q_new·R = A·Q_old: Q_new equals qr(A·Q_old).Q up to column signs (and the ascending re-sort).
        using var scope = new DisposeScope();
        using var gen = new Generator(11);
        var b = Tensor.RandN([5, 5], gen, DType.Float64);
        var a = b.Mm(b.T());
        var q0 = Householder([3, -1, 2, 0.5, 1]);
        using var r = MatrixFunction.Eigendecompose(a, EigendecompositionConfig.OneQrIteration, q0);
        Assert.Equal(1, r.Iterations);
        using var reference = Linalg.Qr(a.Mm(q0));
        var overlap = r.Eigenvectors.T().Mm(reference.Q).Abs().ToArray<double>();
        for (int i = 0; i < 5; i++)
        {
            var row = overlap.Skip(i * 5).Take(5).ToArray();
            Assert.Equal(1, row.Max(), 1e-10);
            Assert.Equal(1, row.Sum(), 1e-10); // a signed permutation matrix
        }
    }

    [Fact]
    public void CriterionMeasuresTheStaleBasisError()
    {
        // (iv) ‖A − Q·diag(QᵀAQ)·Qᵀ‖_F = ‖B − diag B‖_F and ‖B‖_F = ‖A‖_F for orthogonal Q.
        using var scope = new DisposeScope();
        using var gen = new Generator(3);
        var c = Tensor.RandN([4, 4], gen, DType.Float64);
        var a = c + c.T();
        var q = Householder([1, -2, 0.5, 3]);
        var bm = q.T().Mm(a).Mm(q);
        var diag = Linalg.DiagEmbed(Linalg.Diagonal(bm, 0, -2, -1));
        double lhs = Linalg.MatrixNorm(a - q.Mm(diag).Mm(q.T())).ToDouble();
        double off = Linalg.MatrixNorm(bm - diag).ToDouble();
        double bn = Linalg.MatrixNorm(bm).ToDouble();
        Assert.Equal(lhs, off, 1e-12);
        Assert.Equal(Linalg.MatrixNorm(a).ToDouble(), bn, 1e-12);
        Assert.Equal(off / bn, MatrixFunction.OffDiagonalRatio(bm), 1e-12);

        // [[1, 1], [1, 1]]: ‖B‖² = 4, ‖diag B‖² = 2 → √2/2.
        var ones = Tensor.From(new double[,] { { 1, 1 }, { 1, 1 } });
        Assert.Equal(Math.Sqrt(0.5), MatrixFunction.OffDiagonalRatio(ones), 1e-15);
        Assert.True(MatrixFunction.CriterionHolds(ones, 1));
        Assert.False(MatrixFunction.CriterionHolds(ones, 0.7));
        Assert.True(MatrixFunction.CriterionHolds(Linalg.Diag(Tensor.From<double>([1, 2])), 0));
    }

    [Fact]
    public void EighWithToleranceKeepsAGoodBasisAndRecomputesABadOne()
    {
        using var scope = new DisposeScope();
        var q = Householder([1, 2, 2, -1]);
        var a = q.Mm(Linalg.Diag(Tensor.From<double>([0.5, 1, 3, 7]))).Mm(q.T());
        var cfg = new EigendecompositionConfig(EigendecompositionMethod.Eigh, 1, 0.01);
        using (var kept = MatrixFunction.Eigendecompose(a, cfg, q))
        {
            Assert.False(kept.Recomputed);
            ShampooTestKit.AssertClose(q.ToArray<double>(), kept.Eigenvectors.ToArray<double>(), 0);
        }

        using var redone = MatrixFunction.Eigendecompose(a, cfg, Tensor.Eye(4, dtype: DType.Float64));
        Assert.True(redone.Recomputed);
        ShampooTestKit.AssertClose([0.5, 1, 3, 7], redone.Eigenvalues.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void BadInputIsRejectedNamingTheField()
    {
        using var scope = new DisposeScope();
        Assert.Contains("tolerance must be in [0, 1] (got 1.5)", Assert.Throws<ArgumentException>(() => new EigendecompositionConfig(tolerance: 1.5)).Message);
        Assert.Contains("maxIterations must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => new EigendecompositionConfig(maxIterations: 0)).Message);
        Assert.Contains("epsilon must be finite and ≥ 0", Assert.Throws<ArgumentException>(() => new InverseRootConfig(-1)).Message);
        var nan = Tensor.From(new double[,] { { double.NaN, 0 }, { 0, 1 } });
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => MatrixFunction.InverseRoot(nan, 2, new InverseRootConfig())).Message);
        Assert.Throws<ArgumentException>(() => MatrixFunction.Eigendecompose(nan, EigendecompositionConfig.Eigh));
        Assert.Contains("previous eigenvectors", Assert.Throws<ArgumentException>(() => MatrixFunction.Eigendecompose(Tensor.Eye(2, dtype: DType.Float64), new EigendecompositionConfig(tolerance: 0.1))).Message);
    }

    /// <summary>I − 2vvᵀ/‖v‖²: symmetric and orthogonal.</summary>
    private static Tensor Householder(double[] v)
    {
        double n2 = v.Sum(x => x * x);
        var h = new double[v.Length, v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            for (int j = 0; j < v.Length; j++) h[i, j] = (i == j ? 1 : 0) - (2 * v[i] * v[j] / n2);
        }

        return Tensor.From(h);
    }

    private static double[] Flatten(double[,] a) => a.Cast<double>().ToArray();
}
