using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>
/// The matrix functions of the Shampoo family, in one place, as pure functions of a symmetric matrix and a validated
/// config: inverse roots by eigh, eigendecomposition by eigh or warm-started QR iteration, the adaptive off-diagonal
/// criterion, and SOAP's power-iteration refresh. Inputs are never modified; every returned tensor is new and owned
/// by the caller (it joins the current <see cref="DisposeScope"/>). Thread-safety: as libtorch's.
/// </summary>
public static class MatrixFunction
{
    /// <summary>
    /// (A + εI)^(−1/<paramref name="root"/>) by eigh, in A's dtype: X = Q·diag(λ^(−1/r))·Qᵀ of A + εI, after shifting the
    /// spectrum by ε − λ_min when λ_min &lt; ε. A failed float32 eigh is retried in float64 when configured.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="root"/> is not &gt; 0, or A holds NaN/∞.</exception>
    /// <exception cref="TorchException">The decomposition failed (also in float64).</exception>
    public static Tensor InverseRoot(Tensor a, double root, InverseRootConfig config)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(config);
        if (!(root > 0)) throw new ArgumentException($"root must be > 0 (got {root})", nameof(root));
        RequireFinite(a, nameof(a));
        using var scope = new DisposeScope();
        var (lambda, q) = EighWithRetry(AddToDiagonal(a, config.Epsilon), config.RetryFloat64);
        double min = lambda.Min().ToDouble();
        if (min < config.Epsilon) lambda = lambda + (config.Epsilon - min);
        // X = Y·Yᵀ with Y = Q·diag(λ^(−1/2r)), (n, n): a symmetric rank-n update, half the multiply-adds of Q·diag(λ^(−1/r))·Qᵀ
        // for n ≥ 512 (BLAS syrk, exactly symmetric), the same GEMM below.
        var y = q * lambda.Pow(-0.5 / root).Unsqueeze(0);
        var x = Tensor.Zeros(a.Shape, lambda.DType, a.Device).AddSymmetricRankKInPlace(y, 0, 1);
        return DisposeScope.MoveToOuter(x.DType == a.DType ? x : x.To(a.DType));
    }

    /// <summary>
    /// <see cref="InverseRoot"/> of every matrix, scheduled by <see cref="InverseRootSchedule.Plan"/> over the intra-op
    /// threads: matrices below <see cref="InverseRootSchedule.DefaultAloneSide"/> are dealt to the threads (largest first,
    /// each thread single-threaded, all in one parallel region: <see cref="FusedSteps.InverseRootsPlanned"/>) however
    /// unequal their sizes; a larger one that the others cannot balance runs alone with multi-threaded kernels. A matrix the
    /// dealt call did not compute (run alone, NaN/∞, a failed eigh) takes <see cref="InverseRoot"/>, which retries and
    /// reports. The numbers are <see cref="InverseRoot"/>'s up to the rounding of BLAS and LAPACK on one thread.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="root"/> is not &gt; 0, or a matrix holds NaN/∞.</exception>
    public static Tensor[] InverseRoots(IReadOnlyList<Tensor> matrices, double root, InverseRootConfig config)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(config);
        if (!(root > 0)) throw new ArgumentException($"root must be > 0 (got {root})", nameof(root));
        int threads = matrices.Count > 0 ? TorchRuntime.NumThreads : 1;
        int[] plan = InverseRootSchedule.Plan(matrices.Select(m => m.Dim > 0 ? m.Shape[0] : 0L).ToArray(), threads);
        var dealt = plan.Any(b => b != InverseRootSchedule.Alone)
            ? FusedSteps.InverseRootsPlanned(matrices, root, matrices.Select(_ => config.Epsilon).ToArray(), plan, threads)
            : new Tensor?[matrices.Count];
        var result = new Tensor[matrices.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var x = dealt[i] ?? InverseRoot(matrices[i], root, config);
            result[i] = x.DType == matrices[i].DType ? x : x.To(matrices[i].DType);
        }

        return result;
    }

    /// <summary>
    /// Eigendecomposition of a symmetric A by <paramref name="config"/>. With eigh and τ &gt; 0 the criterion is checked
    /// on B = QᵀAQ for the given <paramref name="previous"/> basis first and the basis kept (λ = diag B) when it holds.
    /// With QR iteration, facebookresearch's <c>qr_algorithm</c>: starting from <paramref name="previous"/> (identity
    /// when null), repeat (Q′, R) = qr(B), B ← R·Q′, Q ← Q·Q′ while iterations &lt; max and the criterion fails; then sort
    /// diag(B) ascending (stable) and permute Q's columns alike.
    /// </summary>
    /// <exception cref="ArgumentException">A holds NaN/∞, or τ &gt; 0 with eigh but no previous basis.</exception>
    public static EigendecompositionResult Eigendecompose(Tensor a, EigendecompositionConfig config, Tensor? previous = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(config);
        RequireFinite(a, nameof(a));
        using var scope = new DisposeScope();
        EigendecompositionResult result;
        if (config.Method == EigendecompositionMethod.Eigh)
        {
            double criterion = double.NaN;
            if (config.Tolerance > 0)
            {
                if (previous is null) throw new ArgumentException("an eigh eigendecomposition with tolerance > 0 needs the previous eigenvectors", nameof(previous));
                var b = previous.T().Mm(a).Mm(previous);
                criterion = OffDiagonalRatio(b);
                if (criterion <= config.Tolerance)
                {
                    return Keep(Linalg.Diagonal(b).Clone(), previous.Clone(), 0, false, criterion);
                }
            }

            var (lambda, q) = EighWithRetry(a, config.RetryFloat64);
            result = Keep(lambda, q, 0, true, criterion);
        }
        else
        {
            result = QrAlgorithm(a, previous, config.MaxIterations, config.Tolerance);
        }

        return result;

        static EigendecompositionResult Keep(Tensor l, Tensor q, int it, bool re, double c) =>
            new(DisposeScope.MoveToOuter(l), DisposeScope.MoveToOuter(q), it, re, c);
    }

    /// <summary>The warm-started QR algorithm (see <see cref="Eigendecompose"/>); caller owns the result.</summary>
    private static EigendecompositionResult QrAlgorithm(Tensor a, Tensor? previous, int maxIterations, double tolerance)
    {
        var q = previous?.Clone() ?? Tensor.Eye(a.Shape[0], dtype: a.DType);
        var b = previous is null ? a.Clone() : q.T().Mm(a).Mm(q);
        double first = OffDiagonalRatio(b);
        double ratio = first;
        int it = 0;
        while (it < maxIterations && !(ratio <= tolerance))
        {
            using var qr = Linalg.Qr(b);
            b = qr.R.Mm(qr.Q);
            q = q.Mm(qr.Q);
            it++;
            if (it < maxIterations) ratio = OffDiagonalRatio(b);
        }

        var diag = Linalg.Diagonal(b).ToDoubles();
        long[] order = Enumerable.Range(0, diag.Length).OrderBy(i => diag[i]).Select(i => (long)i).ToArray();
        using var index = Tensor.From<long>(order);
        var lambda = Linalg.Diagonal(b).IndexSelect(0, index);
        var vectors = q.IndexSelect(1, index);
        return new EigendecompositionResult(DisposeScope.MoveToOuter(lambda), DisposeScope.MoveToOuter(vectors), it, it > 0, first);
    }

    /// <summary>
    /// The adaptive criterion's value ‖B − diag B‖_F / ‖B‖_F, computed as √(‖B‖_F² − ‖diag B‖²)/‖B‖_F (clamped at 0;
    /// 0 for B = 0). The criterion with tolerance τ holds iff this is ≤ τ.
    /// </summary>
    public static double OffDiagonalRatio(Tensor b)
    {
        ArgumentNullException.ThrowIfNull(b);
        using var scope = new DisposeScope();
        double all = b.Square().Sum([], dtype: DType.Float64).ToDouble();
        double diag = Linalg.Diagonal(b).Square().Sum([], dtype: DType.Float64).ToDouble();
        if (all == 0) return 0;
        return Math.Sqrt(Math.Max(all - diag, 0)) / Math.Sqrt(all);
    }

    /// <summary>True when ‖B − diag B‖_F ≤ τ·‖B‖_F (see <see cref="OffDiagonalRatio"/>).</summary>
    public static bool CriterionHolds(Tensor b, double tolerance) => OffDiagonalRatio(b) <= tolerance;

    /// <summary>
    /// SOAP's initial basis: the eigenvectors of A + 10⁻³⁰·I in descending eigenvalue order (eigh's columns flipped).
    /// </summary>
    public static Tensor EigenvectorsDescending(Tensor a, bool retryFloat64 = true)
    {
        ArgumentNullException.ThrowIfNull(a);
        RequireFinite(a, nameof(a));
        using var scope = new DisposeScope();
        var (_, q) = EighWithRetry(AddToDiagonal(a, 1e-30), retryFloat64);
        return DisposeScope.MoveToOuter(q.Flip(1));
    }

    /// <summary>
    /// SOAP's refresh (nikhilvyas/SOAP <c>get_orthogonal_matrix_QR</c>): estimates e = diag(QᵀAQ), the order that sorts
    /// them descending, then one power iteration and QR: Q′ = qr(A·Q[:, order]).Q. Returns Q′ and the order (which the
    /// caller applies to its second-moment estimate along the same dim). One GEMM: A·Q gives both e_j = Σ_i Q_ij·(AQ)_ij
    /// and, its columns reordered, A·Q[:, order] (the reference's Qᵀ·A·Q and A·Q[:, order] take three).
    /// </summary>
    public static (Tensor Eigenvectors, long[] Order) SoapRefresh(Tensor a, Tensor q)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(q);
        RequireFinite(a, nameof(a));
        using var scope = new DisposeScope();
        var aq = a.Mm(q);
        var est = q.Mul(aq).Sum(0).ToDoubles();
        long[] order = Enumerable.Range(0, est.Length).OrderByDescending(i => est[i]).Select(i => (long)i).ToArray();
        using var index = Tensor.From<long>(order);
        using var qr = Linalg.Qr(aq.IndexSelect(1, index));
        return (DisposeScope.MoveToOuter(qr.Q.Clone()), order);
    }

    private static (Tensor Values, Tensor Vectors) EighWithRetry(Tensor a, bool retryFloat64)
    {
        try
        {
            var r = Linalg.Eigh(a);
            return (r.Eigenvalues, r.Eigenvectors);
        }
        catch (TorchException) when (retryFloat64 && a.DType != DType.Float64)
        {
            var r = Linalg.Eigh(a.To(DType.Float64));
            return (r.Eigenvalues.To(a.DType), r.Eigenvectors.To(a.DType));
        }
    }

    private static Tensor AddToDiagonal(Tensor a, double value)
    {
        var copy = a.Clone();
        if (value != 0) Linalg.Diagonal(copy).AddInPlace(value);
        return copy;
    }

    private static void RequireFinite(Tensor a, string name)
    {
        // One native read of A (a float64 sum would copy all of A to float64 first).
        if (!FusedSteps.AllFinite([a])) throw new ArgumentException($"{name}: the matrix contains NaN or infinite entries", name);
    }

    private static double[] ToDoubles(this Tensor t)
    {
        using var d = t.DType == DType.Float64 ? t.Clone() : t.To(DType.Float64);
        return d.ToArray<double>();
    }
}
