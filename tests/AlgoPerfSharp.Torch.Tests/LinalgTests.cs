using MathNet.Numerics.LinearAlgebra;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Linear algebra against closed forms (research/optimizers.md §9 identity 6), MathNet oracles and residuals, all in
/// float64 so that the tolerances are tight enough to catch a wrong triangle, transpose or sort order.
/// </summary>
public sealed class LinalgTests
{
    // §9 identity 6: A^(-1/2) = X exactly (X²·A = I in integers). cond(A) ≈ 7·10⁵.
    private static readonly double[,] ShampooA = { { 1195, -944, -224 }, { -944, 746, 177 }, { -224, 177, 42 } };
    private static readonly double[,] ShampooX = { { 1, 1, 1 }, { 1, 2, -3 }, { 1, -3, 18 } };

    private static Matrix<double> ToMatrix(Tensor t)
    {
        Assert.Equal(2, t.Dim);
        var v = t.ToArray<double>();
        int rows = (int)t.Size(0), cols = (int)t.Size(1);
        return Matrix<double>.Build.Dense(rows, cols, (i, j) => v[(i * cols) + j]);
    }

    private static Tensor FromMatrix(Matrix<double> m) => Tensor.From(m.ToArray());

    private static Tensor T(Tensor m) => Tensor.Einsum("...ij->...ji", m);

    private static Matrix<double> RandomMatrix(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        return Matrix<double>.Build.Dense(rows, cols, (_, _) => (rng.NextDouble() * 2) - 1);
    }

    private static Matrix<double> RandomSymmetric(int n, int seed)
    {
        var m = RandomMatrix(n, n, seed);
        return (m + m.Transpose()) / 2;
    }

    private static double MaxAbsDiff(Matrix<double> a, Matrix<double> b) => (a - b).Enumerate().Max(Math.Abs);

    // ---- eigh ----------------------------------------------------------------------------------------------------

    [Fact]
    public void EighMatchesMathNetEvdAndReconstructs()
    {
        var a = RandomSymmetric(6, seed: 1);
        using var scope = new DisposeScope();
        using var ta = FromMatrix(a);
        using var eig = Linalg.Eigh(ta);
        Assert.Equal(new long[] { 6 }, eig.Eigenvalues.Shape);
        Assert.Equal(new long[] { 6, 6 }, eig.Eigenvectors.Shape);
        Assert.Equal(DType.Float64, eig.Eigenvalues.DType);

        var evd = a.Evd(Symmetricity.Symmetric);
        var expected = evd.EigenValues.Select(c => c.Real).ToArray(); // ascending for symmetric input
        var lambda = eig.Eigenvalues.ToArray<double>();
        for (int i = 0; i < 6; i++)
        {
            Assert.True(Math.Abs(expected[i] - lambda[i]) <= 1e-12, $"λ{i}: MathNet {expected[i]:R}, torch {lambda[i]:R}");
            if (i > 0) Assert.True(lambda[i] > lambda[i - 1], "eigenvalues must ascend");
        }

        // Eigenvectors up to sign: |⟨q_torch, q_mathnet⟩| = 1 for each (simple) eigenvalue.
        var q = ToMatrix(eig.Eigenvectors);
        for (int j = 0; j < 6; j++)
        {
            double dot = q.Column(j).DotProduct(evd.EigenVectors.Column(j));
            Assert.True(Math.Abs(Math.Abs(dot) - 1) <= 1e-10, $"eigenvector {j}: |dot| = {Math.Abs(dot):R}");
        }

        // Q·diag(λ)·Qᵀ = A and QᵀQ = I, computed with torch ops (DiagEmbed, MatMul).
        using var d = Linalg.DiagEmbed(eig.Eigenvalues);
        using var qt = T(eig.Eigenvectors);
        using var rebuilt = eig.Eigenvectors.MatMul(d).MatMul(qt);
        Assert.True(MaxAbsDiff(a, ToMatrix(rebuilt)) <= 1e-10, "Q·diag(λ)·Qᵀ ≠ A");
        using var gram = qt.MatMul(eig.Eigenvectors);
        Assert.True(MaxAbsDiff(Matrix<double>.Build.DenseIdentity(6), ToMatrix(gram)) <= 1e-12, "QᵀQ ≠ I");
    }

    [Fact]
    public void EighInverseSquareRootMatchesTheClosedForm()
    {
        using var scope = new DisposeScope();
        var a = Tensor.From(ShampooA);
        var (lambda, q) = Linalg.Eigh(a);
        // A^(-1/2) = Q·diag(λ^(-1/2))·Qᵀ
        var root = q.MatMul(Linalg.DiagEmbed(lambda.Rsqrt())).MatMul(T(q));
        var got = ToMatrix(root);
        var x = Matrix<double>.Build.DenseOfArray(ShampooX);
        double err = MaxAbsDiff(x, got);
        Assert.True(err <= 1e-8, $"‖A^(-1/2) − X‖_max = {err:E3}");

        // The identity itself, so a typo in the fixture cannot make the test vacuous: X²·A = I.
        var xxa = x * x * Matrix<double>.Build.DenseOfArray(ShampooA);
        Assert.Equal(0.0, MaxAbsDiff(Matrix<double>.Build.DenseIdentity(3), xxa));

        // Since A = X⁻², λ(A) = 1/μ² for the eigenvalues μ of X (MathNet), ascending: 2.896398e-3, 0.1741237,
        // 1982.823. (§9 T7(ii) quotes 2.9009e-3 and 0.17424, fp32-level values: fp64 eigh disagrees in the 3rd digit.)
        var mu = Matrix<double>.Build.DenseOfArray(ShampooX).Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real);
        var expected = mu.Select(m => 1 / (m * m)).Order().ToArray();
        var l = lambda.ToArray<double>();
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(expected[i] - l[i]) <= 1e-9 * Math.Max(1, expected[i]), $"λ{i}: {expected[i]:R} vs {l[i]:R}");
        Assert.Equal(2.896398e-3, l[0], 1e-9);
        Assert.Equal(1982.823, l[2], 1e-3);
    }

    [Fact]
    public void EighIsBatchedAndHonoursUpper()
    {
        using var scope = new DisposeScope();
        // Batch: diag(1, 4) (λ = 1, 4; diag^(-1/2) = diag(1, 0.5)) and [[2, 1], [1, 2]] (λ = 1, 3).
        var batch = Tensor.From<double>([1, 0, 0, 4, 2, 1, 1, 2], [2, 2, 2]);
        var eig = Linalg.Eigh(batch);
        Assert.Equal(new long[] { 2, 2 }, eig.Eigenvalues.Shape);
        Assert.Equal(new long[] { 2, 2, 2 }, eig.Eigenvectors.Shape);
        TestUtil.AssertClose([1, 4, 1, 3], eig.Eigenvalues, 1e-14);
        var invRoot = eig.Eigenvectors.MatMul(Linalg.DiagEmbed(eig.Eigenvalues.Rsqrt())).MatMul(T(eig.Eigenvectors));
        double s = 1 / Math.Sqrt(3);
        // [[2,1],[1,2]]^(-1/2) = ½[[1 + 1/√3, 1/√3 − 1], [1/√3 − 1, 1 + 1/√3]]
        TestUtil.AssertClose([1, 0, 0, 0.5, (1 + s) / 2, (s - 1) / 2, (s - 1) / 2, (1 + s) / 2], invRoot, 1e-14);

        // Garbage below the diagonal: upper = true must ignore it, upper = false must read it.
        var sym = Tensor.From(new double[,] { { 2, 1 }, { 1, 2 } });
        var upperOnly = Tensor.From(new double[,] { { 2, 1 }, { 100, 2 } });
        TestUtil.AssertClose([1, 3], Linalg.Eigh(upperOnly, upper: true).Eigenvalues, 1e-14);
        TestUtil.AssertClose([-98, 102], Linalg.Eigvalsh(upperOnly), 1e-12); // lower triangle [[2,100],[100,2]]
        TestUtil.AssertClose([1, 3], Linalg.Eigvalsh(sym), 1e-14);
    }

    [Fact]
    public void NonSquareDecompositionsThrowTorchExceptionAndTheProcessContinues()
    {
        long before = TestUtil.SettledLiveTensors();
        using (var a = Tensor.Ones([2, 3], DType.Float64))
        {
            var ex = Assert.Throws<TorchException>(() => Linalg.Eigh(a));
            Assert.Equal(1, ex.Status);
            Assert.Contains("square", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Throws<TorchException>(() => Linalg.Cholesky(a));
            Assert.Throws<TorchException>(() => Linalg.CholeskyEx(a));
            Assert.Throws<TorchException>(() => Linalg.Inv(a));
            Assert.Throws<TorchException>(() => Linalg.Eigvalsh(a));

            // Still usable: a square one right after works.
            using var sq = Tensor.From(new double[,] { { 2, 0 }, { 0, 3 } });
            using var eig = Linalg.Eigh(sq);
            TestUtil.AssertClose([2, 3], eig.Eigenvalues, 0);
        }

        Assert.Equal(before, TestUtil.SettledLiveTensors());
    }

    // ---- QR ------------------------------------------------------------------------------------------------------

    [Fact]
    public void QrReducedCompleteAndROnly()
    {
        using var scope = new DisposeScope();
        var a = RandomMatrix(5, 3, seed: 2);
        var ta = FromMatrix(a);

        var (q, r) = Linalg.Qr(ta);
        Assert.Equal(new long[] { 5, 3 }, q.Shape);
        Assert.Equal(new long[] { 3, 3 }, r.Shape);
        var qm = ToMatrix(q);
        var rm = ToMatrix(r);
        Assert.True(MaxAbsDiff(Matrix<double>.Build.DenseIdentity(3), qm.TransposeThisAndMultiply(qm)) <= 1e-14, "QᵀQ ≠ I");
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < i; j++) Assert.Equal(0.0, rm[i, j]); // exactly upper triangular
        }

        Assert.True(MaxAbsDiff(a, qm * rm) <= 1e-14, "QR ≠ A");

        using var complete = Linalg.Qr(ta, "complete");
        Assert.Equal(new long[] { 5, 5 }, complete.Q.Shape);
        Assert.Equal(new long[] { 5, 3 }, complete.R.Shape);
        var qc = ToMatrix(complete.Q);
        var rc = ToMatrix(complete.R);
        Assert.True(MaxAbsDiff(Matrix<double>.Build.DenseIdentity(5), qc.TransposeThisAndMultiply(qc)) <= 1e-14);
        Assert.True(MaxAbsDiff(a, qc * rc) <= 1e-14);
        for (int i = 3; i < 5; i++)
        {
            for (int j = 0; j < 3; j++) Assert.Equal(0.0, rc[i, j]);
        }

        using var rOnly = Linalg.Qr(ta, "r");
        Assert.False(rOnly.HasQ);
        Assert.Throws<InvalidOperationException>(() => rOnly.Q);
        Assert.True(MaxAbsDiff(rm, ToMatrix(rOnly.R)) <= 1e-14, "mode r must give the reduced R");

        // |diag R| equals MathNet's (Householder signs may differ).
        var mathnetR = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).R;
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Abs(mathnetR[i, i]), Math.Abs(rm[i, i]), 1e-13);

        var bad = Assert.Throws<ArgumentException>(() => Linalg.Qr(ta, "economic"));
        Assert.Contains("economic", bad.Message);
    }

    // ---- SVD -----------------------------------------------------------------------------------------------------

    [Fact]
    public void SvdReconstructsAndMatchesMathNet()
    {
        using var scope = new DisposeScope();
        var a = RandomMatrix(4, 6, seed: 3);
        var ta = FromMatrix(a);
        var (u, s, vh) = Linalg.Svd(ta);
        Assert.Equal(new long[] { 4, 4 }, u.Shape);
        Assert.Equal(new long[] { 4 }, s.Shape);
        Assert.Equal(new long[] { 4, 6 }, vh.Shape);

        var expected = a.Svd(computeVectors: false).S.ToArray(); // descending
        var got = s.ToArray<double>();
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-13, $"σ{i}: {expected[i]:R} vs {got[i]:R}");

        var rebuilt = u.MatMul(Linalg.DiagEmbed(s)).MatMul(vh);
        Assert.True(MaxAbsDiff(a, ToMatrix(rebuilt)) <= 1e-13, "U·diag(S)·Vh ≠ A");
        var vm = ToMatrix(vh);
        Assert.True(MaxAbsDiff(Matrix<double>.Build.DenseIdentity(4), vm * vm.Transpose()) <= 1e-13, "Vh rows not orthonormal");

        using var full = Linalg.Svd(ta, fullMatrices: true);
        Assert.Equal(new long[] { 4, 4 }, full.U.Shape);
        Assert.Equal(new long[] { 6, 6 }, full.Vh.Shape);
        TestUtil.AssertClose(got, Linalg.SvdVals(ta), 1e-13);
    }

    // ---- solves, inverse, Cholesky -------------------------------------------------------------------------------

    [Fact]
    public void SolveAndInverseHaveTinyResidualsAndMatchMathNet()
    {
        using var scope = new DisposeScope();
        var a = RandomMatrix(5, 5, seed: 4) + (Matrix<double>.Build.DenseIdentity(5) * 5); // well conditioned
        var b = RandomMatrix(5, 2, seed: 5);
        var ta = FromMatrix(a);
        var tb = FromMatrix(b);

        var x = ToMatrix(Linalg.Solve(ta, tb));
        Assert.True(MaxAbsDiff(a * x, b) <= 1e-13, "A·X ≠ B");
        Assert.True(MaxAbsDiff(a.Solve(b), x) <= 1e-13);

        var bt = FromMatrix(b.Transpose()); // X·A = Bᵀ
        var xr = ToMatrix(Linalg.Solve(ta, bt, left: false));
        Assert.True(MaxAbsDiff(xr * a, b.Transpose()) <= 1e-13, "X·A ≠ B");

        var inv = ToMatrix(Linalg.Inv(ta));
        Assert.True(MaxAbsDiff(a * inv, Matrix<double>.Build.DenseIdentity(5)) <= 1e-13, "A·A⁻¹ ≠ I");
        Assert.Equal(a.Determinant(), Linalg.Det(ta).ToDouble(), 1e-9);

        // The §9 pair: A⁻¹ = X² exactly in exact arithmetic; fp64 keeps ~10 digits at cond ≈ 7·10⁵.
        var shampooInv = ToMatrix(Linalg.Inv(Tensor.From(ShampooA)));
        var x2 = Matrix<double>.Build.DenseOfArray(ShampooX).Power(2);
        Assert.True(MaxAbsDiff(x2, shampooInv) <= 1e-7, "A⁻¹ ≠ X²");

        var singular = Tensor.From(new double[,] { { 1, 2 }, { 2, 4 } });
        Assert.Throws<TorchException>(() => Linalg.Inv(singular));
        Assert.Throws<TorchException>(() => Linalg.Solve(singular, Tensor.Ones([2, 1], DType.Float64)));
    }

    [Fact]
    public void SolveTriangularReadsOneTriangleAndHonoursUnitDiagonal()
    {
        using var scope = new DisposeScope();
        var full = RandomMatrix(4, 4, seed: 6) + (Matrix<double>.Build.DenseIdentity(4) * 3);
        var lower = full.LowerTriangle();
        var upper = full.UpperTriangle();
        var b = RandomMatrix(4, 3, seed: 7);
        var tFull = FromMatrix(full); // the other triangle is garbage that must be ignored
        var tb = FromMatrix(b);

        var xl = ToMatrix(Linalg.SolveTriangular(tFull, tb, upper: false));
        Assert.True(MaxAbsDiff(lower * xl, b) <= 1e-13, "L·X ≠ B");
        var xu = ToMatrix(Linalg.SolveTriangular(tFull, tb, upper: true));
        Assert.True(MaxAbsDiff(upper * xu, b) <= 1e-13, "U·X ≠ B");

        var unitLower = lower.Clone();
        for (int i = 0; i < 4; i++) unitLower[i, i] = 1;
        var xunit = ToMatrix(Linalg.SolveTriangular(tFull, tb, upper: false, unitriangular: true));
        Assert.True(MaxAbsDiff(unitLower * xunit, b) <= 1e-13, "unit-diagonal solve ignored unitriangular");

        var bt = FromMatrix(b.Transpose()); // X·U = Bᵀ, X is 3×4
        var xright = ToMatrix(Linalg.SolveTriangular(tFull, bt, upper: true, left: false));
        Assert.True(MaxAbsDiff(xright * upper, b.Transpose()) <= 1e-13, "X·U ≠ B");
    }

    [Fact]
    public void CholeskyFactorsSpdAndReportsNonPd()
    {
        using var scope = new DisposeScope();
        var m = RandomMatrix(5, 5, seed: 8);
        var a = (m * m.Transpose()) + Matrix<double>.Build.DenseIdentity(5);
        var ta = FromMatrix(a);

        var l = ToMatrix(Linalg.Cholesky(ta));
        Assert.Equal(0.0, l.UpperTriangle().Subtract(Matrix<double>.Build.DiagonalOfDiagonalVector(l.Diagonal())).Enumerate().Max(Math.Abs));
        Assert.True(MaxAbsDiff(l * l.Transpose(), a) <= 1e-13, "L·Lᵀ ≠ A");
        Assert.True(MaxAbsDiff(a.Cholesky().Factor, l) <= 1e-13, "differs from MathNet's Cholesky");
        var u = ToMatrix(Linalg.Cholesky(ta, upper: true));
        Assert.True(MaxAbsDiff(u, l.Transpose()) <= 1e-13, "U ≠ Lᵀ");

        using var ok = Linalg.CholeskyEx(ta);
        Assert.True(ok.Succeeded());
        Assert.Equal(DType.Int32, ok.Info.DType);
        Assert.True(MaxAbsDiff(l, ToMatrix(ok.Factor)) <= 0);

        // [[1, 2], [2, 1]] has eigenvalues 3 and −1: the leading minor of order 2 fails.
        var indefinite = Tensor.From(new double[,] { { 1, 2 }, { 2, 1 } });
        var ex = Assert.Throws<TorchException>(() => Linalg.Cholesky(indefinite));
        Assert.Contains("positive-definite", ex.Message);
        using var bad = Linalg.CholeskyEx(indefinite);
        Assert.False(bad.Succeeded());
        Assert.Equal(2L, bad.Info.ToInt64());

        // Batched: one PD and one not → info [0, 2].
        var batch = Tensor.From<double>([4, 2, 2, 3, 1, 2, 2, 1], [2, 2, 2]);
        using var mixed = Linalg.CholeskyEx(batch);
        Assert.Equal(new[] { 0, 2 }, mixed.Info.ToArray<int>());
        var factors = mixed.Factor.ToArray<double>(); // only the first (PD) factor is meaningful: [[2, 0], [1, √2]]
        TestUtil.AssertClose([2, 0, 1, Math.Sqrt(2)], Tensor.From<double>(factors.AsSpan(0, 4)), 1e-15);
    }

    // ---- diagonals, trace, norms ---------------------------------------------------------------------------------

    [Fact]
    public void DiagDiagEmbedDiagonalAndTraceByHand()
    {
        using var scope = new DisposeScope();
        var v = Tensor.From<double>([1, 2, 3]);
        TestUtil.AssertClose([1, 0, 0, 0, 2, 0, 0, 0, 3], Linalg.Diag(v), 0);
        var super = Linalg.Diag(Tensor.From<double>([1, 2]), 1);
        Assert.Equal(new long[] { 3, 3 }, super.Shape);
        TestUtil.AssertClose([0, 1, 0, 0, 0, 2, 0, 0, 0], super, 0);
        TestUtil.AssertClose([0, 0, 0, 1, 0, 0, 0, 2, 0], Linalg.Diag(Tensor.From<double>([1, 2]), -1), 0);

        var m = Tensor.Arange(1, 10, 1, DType.Float64).Reshape(3, 3); // [[1,2,3],[4,5,6],[7,8,9]]
        TestUtil.AssertClose([1, 5, 9], Linalg.Diag(m), 0);
        TestUtil.AssertClose([4, 8], Linalg.Diag(m, -1), 0);
        TestUtil.AssertClose([3], Linalg.Diag(m, 2), 0);
        Assert.Equal(15.0, Linalg.Trace(m).ToDouble());
        var im = Tensor.Arange(9).Reshape(3, 3);
        var itrace = Linalg.Trace(im);
        Assert.Equal(DType.Int64, itrace.DType);
        Assert.Equal(12L, itrace.ToInt64());

        var embedded = Linalg.DiagEmbed(Tensor.From<double>([1, 2, 3, 4], [2, 2]));
        Assert.Equal(new long[] { 2, 2, 2 }, embedded.Shape);
        TestUtil.AssertClose([1, 0, 0, 2, 3, 0, 0, 4], embedded, 0);
        var embeddedOff = Linalg.DiagEmbed(Tensor.From<double>([5, 6]), offset: 1);
        TestUtil.AssertClose([0, 5, 0, 0, 0, 6, 0, 0, 0], embeddedOff, 0);

        TestUtil.AssertClose([2, 6], Linalg.Diagonal(m, offset: 1), 0);
        TestUtil.AssertClose([7], Linalg.Diagonal(m, offset: -2), 0);
        var cube = Tensor.Arange(8, DType.Float64).Reshape(2, 2, 2);
        TestUtil.AssertClose([0, 3, 4, 7], Linalg.Diagonal(cube, 0, -2, -1), 0); // per-matrix diagonals
        TestUtil.AssertClose([0, 5, 2, 7], Linalg.Diagonal(cube, 0, 0, 2), 0);  // r[j, d] = cube[d, j, d]: dim 1 stays, diagonal last

        // Diagonal is a view: writing through it changes the matrix.
        Linalg.Diagonal(m).FillInPlace(0.0);
        TestUtil.AssertClose([0, 2, 3, 4, 0, 6, 7, 8, 0], m, 0);
    }

    [Fact]
    public void MatrixAndVectorNormsMatchHandValues()
    {
        using var scope = new DisposeScope();
        var m = Tensor.From(new double[,] { { 1, -2 }, { 3, 4 } });
        Assert.Equal(Math.Sqrt(30), Linalg.MatrixNorm(m).ToDouble(), 1e-14);
        Assert.Equal(6.0, Linalg.MatrixNorm(m, 1).ToDouble(), 1e-14);              // max |column| sum
        Assert.Equal(7.0, Linalg.MatrixNorm(m, double.PositiveInfinity).ToDouble(), 1e-14); // max |row| sum
        var sv = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, -2 }, { 3, 4 } }).Svd().S;
        Assert.Equal(sv[0], Linalg.MatrixNorm(m, 2).ToDouble(), 1e-13);
        Assert.Equal(sv[0] + sv[1], Linalg.MatrixNorm(m, "nuc").ToDouble(), 1e-13);
        var batch = Tensor.From<double>([3, 0, 0, 4, 1, 1, 1, 1], [2, 2, 2]);
        TestUtil.AssertClose([5, 2], Linalg.MatrixNorm(batch), 1e-14);

        Assert.Equal(Math.Sqrt(30), Linalg.VectorNorm(m).ToDouble(), 1e-14);
        Assert.Equal(10.0, Linalg.VectorNorm(m, 1).ToDouble(), 1e-14);
        Assert.Equal(4.0, Linalg.VectorNorm(m, double.PositiveInfinity).ToDouble());
        TestUtil.AssertClose([Math.Sqrt(5), 5], Linalg.VectorNorm(m, 2, [1]), 1e-14);
        var kept = Linalg.VectorNorm(m, 2, [0], keepDim: true);
        Assert.Equal(new long[] { 1, 2 }, kept.Shape);
        TestUtil.AssertClose([Math.Sqrt(10), Math.Sqrt(20)], kept, 1e-14);
    }
}

