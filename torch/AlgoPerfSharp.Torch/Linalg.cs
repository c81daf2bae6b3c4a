using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Linear algebra over the last two dims of a tensor (<c>torch.linalg</c> and friends): symmetric eigendecomposition,
/// QR, Cholesky, SVD, solves, inverse, norms and diagonal helpers. Matrix ops batch over any leading dims.
/// </summary>
/// <remarks>
/// Ownership: every returned tensor is new and owned by the caller (it joins the current <see cref="DisposeScope"/>);
/// the result records dispose all their tensors at once. Inputs are never modified. Failures (non-square input to a
/// square-only decomposition, a singular or non-positive-definite matrix, ...) raise <see cref="TorchException"/> and
/// leave the process usable. Thread-safety: as libtorch's (concurrent calls on distinct tensors are safe).
/// Use <see cref="DType.Float64"/> where accuracy matters: float32 eigendecompositions of ill-conditioned
/// preconditioners lose digits fast.
/// </remarks>
public static class Linalg
{
    /// <summary>The result of <see cref="Eigh"/>: <c>A = V·diag(λ)·Vᵀ</c>.</summary>
    /// <param name="Eigenvalues">λ, shape (..., n), in ascending order.</param>
    /// <param name="Eigenvectors">V, shape (..., n, n), orthonormal eigenvectors as columns (column i goes with λᵢ).</param>
    public sealed record EighResult(Tensor Eigenvalues, Tensor Eigenvectors) : IDisposable
    {
        /// <summary>Disposes both tensors.</summary>
        public void Dispose()
        {
            Eigenvalues.Dispose();
            Eigenvectors.Dispose();
        }
    }

    /// <summary>The result of <see cref="Svd"/>: <c>A = U·diag(S)·Vh</c>.</summary>
    /// <param name="U">Left singular vectors as columns, (..., m, k) (or (..., m, m) with full matrices).</param>
    /// <param name="S">Singular values, (..., k) with k = min(m, n), descending, non-negative, real.</param>
    /// <param name="Vh">Right singular vectors as rows (Vᴴ), (..., k, n) (or (..., n, n) with full matrices).</param>
    public sealed record SvdResult(Tensor U, Tensor S, Tensor Vh) : IDisposable
    {
        /// <summary>Disposes the three tensors.</summary>
        public void Dispose()
        {
            U.Dispose();
            S.Dispose();
            Vh.Dispose();
        }
    }

    /// <summary>The result of <see cref="CholeskyEx"/>.</summary>
    /// <param name="Factor">L (lower, <c>A = L·Lᴴ</c>) or U (upper, <c>A = Uᴴ·U</c>), (..., n, n); meaningless where
    /// <paramref name="Info"/> is non-zero.</param>
    /// <param name="Info">Int32, batch shape (...): 0 where the factorisation succeeded, otherwise the order of the first
    /// leading minor that is not positive-definite.</param>
    public sealed record CholeskyExResult(Tensor Factor, Tensor Info) : IDisposable
    {
        /// <summary>True when every matrix of the batch was positive-definite (reads <see cref="Info"/>; one sync).</summary>
        public bool Succeeded()
        {
            using var total = Info.Sum(); // info is >= 0 everywhere
            return total.ToInt64() == 0;
        }

        /// <summary>Disposes both tensors.</summary>
        public void Dispose()
        {
            Factor.Dispose();
            Info.Dispose();
        }
    }

    /// <summary>
    /// The result of <see cref="Qr"/>: <c>A = Q·R</c> with Q having orthonormal columns and R upper triangular. In mode
    /// <c>"r"</c> no Q is computed: <see cref="HasQ"/> is false and reading <see cref="Q"/> throws.
    /// </summary>
    /// <remarks>A class rather than a record so that printing it never touches the absent Q.</remarks>
    public sealed class QrResult : IDisposable
    {
        private readonly Tensor? _q;

        internal QrResult(Tensor? q, Tensor r)
        {
            _q = q;
            R = r;
        }

        /// <summary>Q: (..., m, k) in mode "reduced" (k = min(m, n)), (..., m, m) in mode "complete".</summary>
        /// <exception cref="InvalidOperationException">The decomposition ran in mode "r".</exception>
        public Tensor Q => _q ?? throw new InvalidOperationException("QR ran in mode \"r\", which computes no Q");

        /// <summary>R: upper triangular, (..., k, n) in modes "reduced" and "r", (..., m, n) in mode "complete".</summary>
        public Tensor R { get; }

        /// <summary>False in mode "r".</summary>
        public bool HasQ => _q is not null;

        /// <summary>Deconstructs into (Q, R); throws in mode "r".</summary>
        public void Deconstruct(out Tensor q, out Tensor r)
        {
            q = Q;
            r = R;
        }

        /// <summary>Disposes Q (if any) and R.</summary>
        public void Dispose()
        {
            _q?.Dispose();
            R.Dispose();
        }
    }

    // ---- decompositions ----------------------------------------------------------------------------------------

    /// <summary>
    /// Eigendecomposition of a real symmetric (complex Hermitian) matrix or batch, (..., n, n). Only the lower triangle
    /// (or the upper one when <paramref name="upper"/>) is read; the other is assumed to mirror it.
    /// Eigenvalues come out ascending; each eigenvector's sign is arbitrary (LAPACK's choice).
    /// </summary>
    /// <exception cref="TorchException">The input is not a (batch of) square matrices, or LAPACK failed to converge.</exception>
    public static EighResult Eigh(Tensor a, bool upper = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        Check(ats_linalg_eigh(a.Handle, upper, out var values, out var vectors));
        return new EighResult(new Tensor(values), new Tensor(vectors));
    }

    /// <summary>Eigenvalues only of a symmetric (Hermitian) matrix or batch, (..., n), ascending; cheaper than <see cref="Eigh"/>.</summary>
    public static Tensor Eigvalsh(Tensor a, bool upper = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(ats_linalg_eigvalsh(a.Handle, upper, out var r), r);
    }

    /// <summary>
    /// QR decomposition of (..., m, n). <paramref name="mode"/>: <c>"reduced"</c> (Q (..., m, k), R (..., k, n),
    /// k = min(m, n)), <c>"complete"</c> (Q (..., m, m), R (..., m, n)) or <c>"r"</c> (R only). The diagonal of R may be
    /// negative (Householder convention), so Q is unique only up to column signs.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="mode"/> is none of the three.</exception>
    public static QrResult Qr(Tensor a, string mode = "reduced")
    {
        ArgumentNullException.ThrowIfNull(a);
        int code = mode switch
        {
            "reduced" => 0,
            "complete" => 1,
            "r" => 2,
            _ => throw new ArgumentException($"mode must be \"reduced\", \"complete\" or \"r\", got \"{mode}\"", nameof(mode)),
        };
        Check(ats_linalg_qr(a.Handle, code, out var q, out var r));
        return new QrResult(q == IntPtr.Zero ? null : new Tensor(q), new Tensor(r));
    }

    /// <summary>
    /// Cholesky factor of a symmetric positive-definite matrix or batch, (..., n, n): lower L with <c>A = L·Lᵀ</c>, or
    /// upper U with <c>A = Uᵀ·U</c>. Only the corresponding triangle of <paramref name="a"/> is read.
    /// </summary>
    /// <exception cref="TorchException">The input is not square, or not positive-definite (the message names the leading
    /// minor that failed). Use <see cref="CholeskyEx"/> to test without an exception.</exception>
    public static Tensor Cholesky(Tensor a, bool upper = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(ats_linalg_cholesky(a.Handle, upper, out var r), r);
    }

    /// <summary>
    /// Cholesky that reports failure through <see cref="CholeskyExResult.Info"/> instead of throwing (a non-square input
    /// still throws). Useful for "try Cholesky, fall back to eigh with more damping" in preconditioners.
    /// </summary>
    public static CholeskyExResult CholeskyEx(Tensor a, bool upper = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        Check(ats_linalg_cholesky_ex(a.Handle, upper, out var factor, out var info));
        return new CholeskyExResult(new Tensor(factor), new Tensor(info));
    }

    /// <summary>
    /// Singular value decomposition of (..., m, n). With <paramref name="fullMatrices"/> false (the default,
    /// unlike PyTorch) U is (..., m, k) and Vh (..., k, n) with k = min(m, n); otherwise both are square.
    /// Singular vectors are unique only up to sign (per singular value, jointly in U and Vh).
    /// </summary>
    public static SvdResult Svd(Tensor a, bool fullMatrices = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        Check(ats_linalg_svd(a.Handle, fullMatrices, out var u, out var s, out var vh));
        return new SvdResult(new Tensor(u), new Tensor(s), new Tensor(vh));
    }

    /// <summary>Singular values only, (..., min(m, n)), descending.</summary>
    public static Tensor SvdVals(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(ats_linalg_svdvals(a.Handle, out var r), r);
    }

    // ---- solves and inverse ------------------------------------------------------------------------------------

    /// <summary>
    /// Solves <c>A·X = B</c> (<paramref name="left"/>) or <c>X·A = B</c> for square invertible A (..., n, n).
    /// B is (..., n, k) (or a vector (..., n) when left); batch dims broadcast. Prefer this to <c>Inv(A)·B</c>.
    /// </summary>
    /// <exception cref="TorchException">A is not square, or is singular.</exception>
    public static Tensor Solve(Tensor a, Tensor b, bool left = true)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Tensor.Wrap(ats_linalg_solve(a.Handle, b.Handle, left, out var r), r);
    }

    /// <summary>
    /// Solves <c>A·X = B</c> (<paramref name="left"/>) or <c>X·A = B</c> for triangular A (..., n, n): only the upper
    /// (<paramref name="upper"/>) or lower triangle of A is read, and its diagonal is taken as ones when
    /// <paramref name="unitriangular"/>. B must be a matrix (..., n, k) (or (..., k, n) when solving from the right).
    /// </summary>
    public static Tensor SolveTriangular(Tensor a, Tensor b, bool upper, bool left = true, bool unitriangular = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Tensor.Wrap(ats_linalg_solve_triangular(a.Handle, b.Handle, upper, left, unitriangular, out var r), r);
    }

    /// <summary>Inverse of a square invertible matrix or batch, (..., n, n).</summary>
    /// <exception cref="TorchException">The input is not square, or is singular.</exception>
    public static Tensor Inv(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(ats_linalg_inv(a.Handle, out var r), r);
    }

    /// <summary>Determinant of a square matrix or batch: shape (...).</summary>
    public static Tensor Det(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(ats_linalg_det(a.Handle, out var r), r);
    }

    // ---- norms ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// Named matrix norm over dims (<paramref name="dim0"/>, <paramref name="dim1"/>): <c>"fro"</c> (Frobenius) or
    /// <c>"nuc"</c> (nuclear, sum of singular values). Result shape: the other dims (kept as size 1 with
    /// <paramref name="keepDim"/>).
    /// </summary>
    public static Tensor MatrixNorm(Tensor a, string ord = "fro", long dim0 = -2, long dim1 = -1, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(ord);
        return Tensor.Wrap(ats_linalg_matrix_norm(a.Handle, ord, 0, dim0, dim1, keepDim, out var r), r);
    }

    /// <summary>
    /// Numeric matrix norm: ord ±1 (max/min absolute column sum), ±2 (largest/smallest singular value),
    /// ±∞ (max/min absolute row sum), over dims (<paramref name="dim0"/>, <paramref name="dim1"/>).
    /// </summary>
    public static Tensor MatrixNorm(Tensor a, double ord, long dim0 = -2, long dim1 = -1, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(ats_linalg_matrix_norm(a.Handle, null, ord, dim0, dim1, keepDim, out var r), r);
    }

    /// <summary>
    /// Vector p-norm <c>(Σ|x|ᵖ)^(1/p)</c> over <paramref name="dims"/> (all elements when empty), for any real p
    /// including 0 (count of non-zeros) and ±∞ (max/min |x|). The same kernel as <see cref="Foreach.Norm"/>.
    /// </summary>
    public static unsafe Tensor VectorNorm(Tensor a, double ord = 2, ReadOnlySpan<long> dims = default, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        fixed (long* p = dims)
        {
            return Tensor.Wrap(ats_linalg_vector_norm(a.Handle, ord, p, dims.Length, keepDim, out var r), r);
        }
    }

    // ---- diagonals -----------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>torch.diag</c>: a 1-D input of length n gives an (n+|d|)×(n+|d|) matrix with it on diagonal
    /// <paramref name="diagonal"/> (d &gt; 0 above the main one, d &lt; 0 below) and zeros elsewhere; a 2-D input gives a
    /// copy of that diagonal as a 1-D tensor.
    /// </summary>
    public static Tensor Diag(Tensor t, long diagonal = 0)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Tensor.Wrap(ats_diag(t.Handle, diagonal, out var r), r);
    }

    /// <summary>
    /// Batched <see cref="Diag"/>: the last dim of <paramref name="t"/> (..., n) is placed on diagonal
    /// <paramref name="offset"/> of the planes (<paramref name="dim1"/>, <paramref name="dim2"/>) of a new, otherwise
    /// zero tensor; with the defaults the result is (..., n+|offset|, n+|offset|).
    /// </summary>
    public static Tensor DiagEmbed(Tensor t, long offset = 0, long dim1 = -2, long dim2 = -1)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Tensor.Wrap(ats_diag_embed(t.Handle, offset, dim1, dim2, out var r), r);
    }

    /// <summary>
    /// A VIEW (sharing storage: writes go through) of diagonal <paramref name="offset"/> of the planes
    /// (<paramref name="dim1"/>, <paramref name="dim2"/>), with that diagonal appended as the last dim. The defaults
    /// follow <c>torch.diagonal</c> (dims 0 and 1); pass (-2, -1) for a batch of matrices.
    /// </summary>
    public static Tensor Diagonal(Tensor t, long offset = 0, long dim1 = 0, long dim2 = 1)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Tensor.Wrap(ats_diagonal(t.Handle, offset, dim1, dim2, out var r), r);
    }

    /// <summary>Sum of the main diagonal of a 2-D tensor, as a 0-D tensor (integer inputs sum to int64).</summary>
    public static Tensor Trace(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Tensor.Wrap(ats_trace(t.Handle, out var r), r);
    }
}
