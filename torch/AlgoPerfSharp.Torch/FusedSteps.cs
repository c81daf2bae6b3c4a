using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.ListArgs;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Whole optimizer steps over lists of tensors in one native call and one pass over each tensor (the CPU
/// counterpart of PyTorch's <c>fused=True</c>): far fewer memory sweeps than composing the step from single ops
/// (Adam, SGD with momentum, the eigenvalue-corrected second moment, applying a Shampoo-family direction).
/// Contiguous float32/float64 CPU tensors take a fused loop; any other tensor takes the same formula in ATen ops.
/// </summary>
/// <remarks>Call under <see cref="Autograd.NoGrad"/>. Lists pair by index and must have equal lengths. Not thread-safe
/// for overlapping tensors.</remarks>
public static class FusedSteps
{
    /// <summary>
    /// One Adam step: m ← m + (1−β1)(g − m); v ← β2·v + (1−β2)·g²; u = n / (√v / <paramref name="bc2Sqrt"/> + ε) /
    /// <paramref name="bc1"/> with n = m, or with <paramref name="nesterov"/> n = (1−β1)·g + β1·m; u ← u + λ·w when λ ≠ 0;
    /// u ← −η·u. With <paramref name="apply"/> the parameters take w ← w + u and the gradients are left alone;
    /// otherwise the gradients are overwritten with u (an optax-style update) and the parameters are left alone.
    /// </summary>
    /// <param name="parameters">w (read; written when <paramref name="apply"/>).</param>
    /// <param name="grads">g (read; overwritten by u unless <paramref name="apply"/>).</param>
    /// <param name="expAvgs">m, updated in place.</param>
    /// <param name="expAvgSqs">v, updated in place.</param>
    /// <param name="lr">η.</param>
    /// <param name="beta1">β1.</param>
    /// <param name="beta2">β2.</param>
    /// <param name="eps">ε, added after the bias-corrected root.</param>
    /// <param name="weightDecay">λ (decoupled, on the pre-update w).</param>
    /// <param name="bc1">1 − β1ᵗ.</param>
    /// <param name="bc2Sqrt">√(1 − β2ᵗ).</param>
    /// <param name="nesterov">Use the NAdam numerator.</param>
    /// <param name="apply">Write the parameters instead of the gradients.</param>
    public static unsafe void AdamInPlace(
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> grads, IReadOnlyList<Tensor> expAvgs, IReadOnlyList<Tensor> expAvgSqs,
        double lr, double beta1, double beta2, double eps, double weightDecay, double bc1, double bc2Sqrt, bool nesterov, bool apply)
    {
        int n = SameLength(parameters, grads, expAvgs, expAvgSqs);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_fused_adam_(a.Handles(parameters), a.Handles(grads), a.Handles(expAvgs), a.Handles(expAvgSqs), n, lr, beta1, beta2, eps, weightDecay, bc1, bc2Sqrt, nesterov, apply));
    }

    /// <summary>
    /// One step of SGD with momentum (PyTorch's SGD, dampening 0) over every tensor in one native call and one pass
    /// over each element: d = g + λ_k·w (only when <paramref name="decay"/>); b ← μ·b + d; u = d + μ·b with
    /// <paramref name="nesterov"/>, else u = b; u ← s_k·u. With <paramref name="apply"/> the parameters take w ← w + u
    /// and the gradients are left alone; otherwise the gradients are overwritten with u and the parameters left alone.
    /// Bit-identical to those ATen ops in that order (<c>add_(x, α)</c> is one fused multiply-add in ATen's AVX2/AVX-512
    /// kernels and two roundings in its default ones; the fused loop does the same on the same CPU). Contiguous
    /// float32/float64 CPU tensors run in one parallel region over all their elements; others take the ATen ops.
    /// </summary>
    /// <param name="parameters">w (read; written when <paramref name="apply"/>).</param>
    /// <param name="grads">g (read; overwritten by u unless <paramref name="apply"/>).</param>
    /// <param name="buffers">b, the momentum buffers, updated in place.</param>
    /// <param name="weightDecays">λ_k per tensor (coupled L2, added to the gradient; read only when <paramref name="decay"/>).</param>
    /// <param name="scales">s_k per tensor, the factor of the update (−η·m_η for a descent step).</param>
    /// <param name="momentum">μ.</param>
    /// <param name="nesterov">Nesterov look-ahead.</param>
    /// <param name="decay">Add λ_k·w to the gradient first.</param>
    /// <param name="apply">Write the parameters instead of the gradients.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void MomentumInPlace(
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> grads, IReadOnlyList<Tensor> buffers, IReadOnlyList<double> weightDecays,
        IReadOnlyList<double> scales, double momentum, bool nesterov, bool decay, bool apply)
    {
        int n = SameLength(parameters, grads, buffers, weightDecays, scales);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_fused_momentum_(a.Handles(parameters), a.Handles(grads), a.Handles(buffers), n, a.Copy(weightDecays), a.Copy(scales), momentum, nesterov, decay, apply));
    }

    /// <summary>
    /// The eigenvalue-corrected second moment and the division by its root in one pass: d ← β2·d + w·r⊙r;
    /// x ← x / (√d + ε). Equal to <c>d.MulInPlace(β2).AddCMulInPlace(r, r, w)</c> then
    /// <c>x.DivInPlace(d.Sqrt().AddInPlace(ε))</c> up to one rounding of d (ATen's addcmul kernel may or may not fuse its
    /// multiply-add, as its compiler chose). Tensors of one shape; non-contiguous or non-float ones take those ATen ops.
    /// </summary>
    /// <param name="secondMoment">d, updated in place.</param>
    /// <param name="rotated">r, the rotated raw gradient (read).</param>
    /// <param name="x">The rotated filtered gradient, divided in place.</param>
    /// <param name="beta2">β2.</param>
    /// <param name="weight">w, the weight of the new square.</param>
    /// <param name="eps">ε, added to the root.</param>
    public static void SecondMomentDivideInPlace(Tensor secondMoment, Tensor rotated, Tensor x, double beta2, double weight, double eps)
    {
        ArgumentNullException.ThrowIfNull(secondMoment);
        ArgumentNullException.ThrowIfNull(rotated);
        ArgumentNullException.ThrowIfNull(x);
        Check(ats_second_moment_divide_(secondMoment.Handle, rotated.Handle, x.Handle, beta2, weight, eps));
    }

    /// <summary>
    /// Eigenvalue-corrected Shampoo's direction of many whole 2-D blocks in one native call: per block i, with filtered
    /// gradient M, raw gradient G, corrected eigenvalues D (rows × cols) and bases L (rows × rows), R (cols × cols):
    /// x = Lᵀ·M·R, r = Lᵀ·G·R, then <see cref="SecondMomentDivideInPlace"/>(D, r, x, β2_i, w_i, ε_i) and the result
    /// L·x·Rᵀ. Each product is the GEMM pair a one-block-at-a-time rotation runs (mm(Xᵀ, L), then mm(·ᵀ, R)); when the
    /// blocks can be dealt evenly to the intra-op threads each thread runs its blocks with single-threaded GEMMs in one
    /// parallel region (one thread wake-up instead of one per GEMM), else they run in turn with multi-threaded GEMMs.
    /// Results equal the one-block-at-a-time path up to the rounding of a GEMM run on fewer threads.
    /// </summary>
    /// <param name="filtered">M per block (read).</param>
    /// <param name="raw">G per block (read).</param>
    /// <param name="secondMoments">D per block, updated in place.</param>
    /// <param name="left">L per block (read).</param>
    /// <param name="right">R per block (read).</param>
    /// <param name="beta2">β2 per block.</param>
    /// <param name="weight">w per block, the weight of the new square.</param>
    /// <param name="eps">ε per block, added to the root.</param>
    /// <returns>The directions, new tensors in the current <see cref="DisposeScope"/>.</returns>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    /// <exception cref="TorchException">A block's shapes do not fit (or libtorch failed); second moments may be partly updated.</exception>
    public static unsafe Tensor[] EigenvalueCorrectedDirections(
        IReadOnlyList<Tensor> filtered, IReadOnlyList<Tensor> raw, IReadOnlyList<Tensor> secondMoments, IReadOnlyList<Tensor> left, IReadOnlyList<Tensor> right,
        IReadOnlyList<double> beta2, IReadOnlyList<double> weight, IReadOnlyList<double> eps)
    {
        int n = SameLength(filtered, raw, secondMoments, left, right, beta2, weight, eps);
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        var results = a.Output<IntPtr>(n);
        Check(ats_ec_directions_(
            a.Handles(filtered), a.Handles(raw), a.Handles(secondMoments), a.Handles(left), a.Handles(right), n, a.Copy(beta2), a.Copy(weight), a.Copy(eps), results));
        return Tensor.WrapAll(results, n);
    }

    /// <summary>
    /// m_k ← m_k + w_k·(g_k − m_k) for every pair in one native call (ATen's lerp formula: for |w| ≥ 0.5 it computes
    /// g − (g − m)·(1 − w)), contiguous float32/float64 CPU pairs in one parallel region over all their elements, others
    /// through <see cref="Tensor.LerpInPlace(Tensor, Scalar)"/>. Equal to <c>m.LerpInPlace(g, w)</c> up to one rounding
    /// (the loop fuses the multiply-add where the CPU has FMA, as ATen's AVX2 build may).
    /// </summary>
    /// <param name="moments">m, updated in place.</param>
    /// <param name="targets">g, one per moment, same shape (read).</param>
    /// <param name="weights">w_k per pair.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void LerpManyInPlace(IReadOnlyList<Tensor> moments, IReadOnlyList<Tensor> targets, IReadOnlyList<double> weights)
    {
        int n = SameLength(moments, targets, weights);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_lerp_many_(a.Handles(moments), a.Handles(targets), n, a.Copy(weights)));
    }

    /// <summary>
    /// Applies directions to parameters in one native call: w_k ← (w_k·before_k + alpha_k·p_k)·after_k (give 1 for a
    /// factor that is off: x·1 = x exactly). Bit-identical to <c>w.MulInPlace(before).AddInPlace(p, alpha).MulInPlace(after)</c>;
    /// contiguous float32/float64 CPU pairs run in one parallel region over all their elements, others take those ops.
    /// </summary>
    /// <param name="parameters">w, updated in place.</param>
    /// <param name="directions">p, one per parameter, same shape (read; must not alias w).</param>
    /// <param name="before">Factor of w before the step (1 − η·λ for decoupled decay).</param>
    /// <param name="alpha">Factor of p (−η·scale).</param>
    /// <param name="after">Factor after the step (1 − η'·λ' for decay after the step).</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void ApplyDirectionsInPlace(
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> directions, IReadOnlyList<double> before, IReadOnlyList<double> alpha, IReadOnlyList<double> after)
    {
        int n = SameLength(parameters, directions, before, alpha, after);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_apply_directions_(a.Handles(parameters), a.Handles(directions), n, a.Copy(before), a.Copy(alpha), a.Copy(after)));
    }

    /// <summary>
    /// The sum of squares of each tensor, accumulated in float64 without a float64 copy (the square of
    /// <c>Norm(2, dtype: Float64)</c> up to the order of the sum). Contiguous float32/float64 CPU tensors are summed in
    /// fixed chunks in order, so the result does not depend on the number of threads; others go through ATen.
    /// </summary>
    /// <param name="tensors">The tensors (read).</param>
    /// <returns>One sum per tensor.</returns>
    public static unsafe double[] SumSquares(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var result = new double[tensors.Count];
        if (result.Length == 0) return result;
        using var a = NativeArgs.Begin();
        fixed (double* r = result) Check(ats_sum_squares(a.Handles(tensors), result.Length, r));
        return result;
    }

    /// <summary>
    /// DASGO's direction of one (rows, cols) matrix in two passes over it: m ← lerp(m, g, <paramref name="momentumWeight"/>);
    /// p ← lerp(p, Σ_rows g², <paramref name="statisticWeight"/>) (column sums in float64); D = m ⊙ (p + ε)^(−½) on every
    /// row. Equal to those ATen ops up to the rounding of the sums; other than contiguous float32/float64 CPU tensors
    /// take the ATen ops.
    /// </summary>
    /// <param name="grad">g, (rows, cols) (read).</param>
    /// <param name="momentum">m, (rows, cols), updated in place.</param>
    /// <param name="statistic">p, (cols), updated in place.</param>
    /// <param name="momentumWeight">1 − β1.</param>
    /// <param name="statisticWeight">1 − β2.</param>
    /// <param name="eps">ε inside the root.</param>
    /// <returns>D (a new tensor in the current <see cref="DisposeScope"/>) and Σ D² in float64.</returns>
    /// <exception cref="TorchException">The shapes do not fit.</exception>
    public static (Tensor Direction, double SumSquares) DasgoDirection(Tensor grad, Tensor momentum, Tensor statistic, double momentumWeight, double statisticWeight, double eps)
    {
        ArgumentNullException.ThrowIfNull(grad);
        ArgumentNullException.ThrowIfNull(momentum);
        ArgumentNullException.ThrowIfNull(statistic);
        Check(ats_dasgo_direction_(grad.Handle, momentum.Handle, statistic.Handle, momentumWeight, statisticWeight, eps, out var d, out double sumSquares));
        return (new Tensor(d), sumSquares);
    }

    /// <summary>
    /// Cross-fitted Adam's direction in one pass: <paramref name="update"/> holds g_A on entry and (m / bc1)·inv on exit,
    /// with m ← lerp(m, g_A, 1 − β1), v ← β2·v + (1 − β2)·mean_j g_j² over the <paramref name="sample"/> (g_A² when it
    /// is empty), d = √(v / bc2) + ε and inv = 1/d, or max(0, 1/d − Var/d³) with <paramref name="correction"/> and ≥ 2
    /// sample gradients (Var: the sample variance of the roots √max(0, (β2·v_old + (1 − β2)·g_j²) / bc2), divided by
    /// their count). Each ATen op's rounding in that order, up to one rounding where ATen's vector kernels fuse a
    /// multiply-add; other than contiguous float32/float64 CPU tensors take those ATen ops.
    /// </summary>
    /// <param name="update">g_A in, the direction out (same shape as m and v).</param>
    /// <param name="expAvg">m, updated in place.</param>
    /// <param name="expAvgSq">v, updated in place.</param>
    /// <param name="sample">B's gradients (read; none: v is fed g_A²).</param>
    /// <param name="beta1">β1.</param>
    /// <param name="beta2">β2.</param>
    /// <param name="eps">ε added to the root.</param>
    /// <param name="bc1">1 − β1ᵗ.</param>
    /// <param name="bc2">1 − β2ᵗ.</param>
    /// <param name="correction">Subtract Var/d³.</param>
    public static unsafe void CrossFitAdamInPlace(
        Tensor update, Tensor expAvg, Tensor expAvgSq, IReadOnlyList<Tensor> sample, double beta1, double beta2, double eps, double bc1, double bc2, bool correction)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(expAvg);
        ArgumentNullException.ThrowIfNull(expAvgSq);
        ArgumentNullException.ThrowIfNull(sample);
        using var a = NativeArgs.Begin();
        Check(ats_cross_fit_adam_(update.Handle, expAvg.Handle, expAvgSq.Handle, a.Handles(sample), sample.Count, beta1, beta2, eps, bc1, bc2, correction));
    }

    /// <summary>True when every element of every floating-point tensor in <paramref name="tensors"/> is finite (one native call, one read per element, no synchronising reductions).</summary>
    public static unsafe bool AllFinite(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) return true;
        using var a = NativeArgs.Begin();
        Check(ats_all_finite(a.Handles(tensors), tensors.Count, out bool ok));
        return ok;
    }

    /// <summary>
    /// Newton–Schulz orthogonalization of same-shape 2-D matrices, in place: each matrix X (m×n, float32/float64, any
    /// strides, viewed as its n×m transpose when m &gt; n) becomes <paramref name="scale"/> · NS(X), NS computed in
    /// <paramref name="dtype"/>: X ← X / (‖X‖_F + <paramref name="epsilon"/>), then <paramref name="steps"/> times
    /// A = X·Xᵀ; B = b·A + c·A·A; X ← a·X + B·X. The matrices are stacked into one working tensor and each iteration is
    /// three batched GEMMs with the coefficients folded into them; per matrix, the numbers are those of the same
    /// iteration run on it alone, up to the reduction order of the norm.
    /// </summary>
    /// <param name="matrices">The matrices (overwritten); at least one, all of one shape.</param>
    /// <param name="steps">Iterations, ≥ 1.</param>
    /// <param name="a">Linear coefficient.</param>
    /// <param name="b">Cubic coefficient.</param>
    /// <param name="c">Quintic coefficient.</param>
    /// <param name="epsilon">Added to each matrix's Frobenius norm.</param>
    /// <param name="dtype">Working precision (bfloat16, float32 or float64).</param>
    /// <param name="scale">Factor applied to every result in the matrices' own precision.</param>
    public static unsafe void NewtonSchulzInPlace(IReadOnlyList<Tensor> matrices, int steps, double a, double b, double c, double epsilon, DType dtype, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0) return;
        using var h = NativeArgs.Begin();
        Check(ats_newton_schulz_(h.Handles(matrices), matrices.Count, steps, a, b, c, epsilon, (int)dtype, scale));
    }

    /// <summary>
    /// <see cref="NewtonSchulzInPlace"/> over matrices of any shapes in one native call: each matrix i becomes
    /// <paramref name="scales"/>[i] · NS(matrix i). Same-shape matrices run as one batch; with several intra-op threads,
    /// small matrices (each below 6.4e7 multiply-adds per iteration, e.g. conv kernels) and none above a thread's fair
    /// share of the work, the matrices are dealt to the threads (largest first) and each thread runs its batches
    /// single-threaded (no thread fork/join per small GEMM), else the batches run in turn with multi-threaded GEMMs. Each result equals <see cref="NewtonSchulzInPlace"/> of its shape's batch up to the
    /// rounding of GEMMs run on a different number of threads.
    /// </summary>
    /// <param name="matrices">2-D float tensors, any shapes and strides (views are written through).</param>
    /// <param name="scales">One factor per matrix, applied in the matrix's own precision.</param>
    /// <param name="steps">Iterations, ≥ 1.</param>
    /// <param name="a">Linear coefficient.</param>
    /// <param name="b">Cubic coefficient.</param>
    /// <param name="c">Quintic coefficient.</param>
    /// <param name="epsilon">Added to each matrix's Frobenius norm.</param>
    /// <param name="dtype">Working precision (bfloat16, float32 or float64).</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void NewtonSchulzManyInPlace(IReadOnlyList<Tensor> matrices, IReadOnlyList<double> scales, int steps, double a, double b, double c, double epsilon, DType dtype)
    {
        int n = SameLength(matrices, scales);
        if (n == 0) return;
        using var h = NativeArgs.Begin();
        Check(ats_newton_schulz_many_(h.Handles(matrices), h.Copy(scales), n, steps, a, b, c, epsilon, (int)dtype));
    }

    /// <summary>
    /// SOAP's eigenbasis refresh (nikhilvyas/SOAP <c>get_orthogonal_matrix_QR</c>) of several Kronecker factors in one
    /// native call: for each statistic A and basis Q (square, one floating dtype), e = diag(QᵀAQ) as the column sums of
    /// Q ⊙ AQ, the order sorting e descending (stable; NaN last), and Q ← qr(AQ[:, order]).Q in place. The factors run
    /// in parallel over libtorch's intra-op threads, each factor single-threaded (small LAPACK QRs gain nothing from
    /// BLAS threads and pay their wake-ups); per factor the ATen calls are those of a one-factor-at-a-time refresh.
    /// </summary>
    /// <param name="statistics">The factors' statistics A (read).</param>
    /// <param name="bases">The factors' bases Q (overwritten when refreshed).</param>
    /// <returns>Per factor the column order it applied, or null when its statistic holds NaN/∞ (its basis is untouched).</returns>
    /// <exception cref="ArgumentException">The lists differ in length or a tensor is not a matrix.</exception>
    /// <exception cref="TorchException">libtorch failed (e.g. a shape or dtype mismatch, or the QR); bases may be partly refreshed.</exception>
    public static unsafe long[]?[] SoapRefreshInPlace(IReadOnlyList<Tensor> statistics, IReadOnlyList<Tensor> bases)
    {
        int n = SameLength(statistics, bases);
        if (n == 0) return [];
        var offsets = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            ArgumentNullException.ThrowIfNull(statistics[i], nameof(statistics));
            if (statistics[i].Dim != 2) throw new ArgumentException($"statistic {i} is not a matrix (shape [{string.Join(", ", statistics[i].Shape)}])", nameof(statistics));
            offsets[i + 1] = checked(offsets[i] + (int)statistics[i].Shape[0]);
        }

        var orders = new long[Math.Max(1, offsets[n])];
        using var a = NativeArgs.Begin();
        var status = a.Output<int>(n);
        fixed (long* po = orders) Check(ats_soap_refresh_(a.Handles(statistics), a.Handles(bases), n, po, status));
        var result = new long[]?[n];
        for (int i = 0; i < n; i++) result[i] = status[i] == 0 ? orders[offsets[i]..offsets[i + 1]] : null;
        return result;
    }

    /// <summary>
    /// <see cref="Tensor.AddSymmetricRankKInPlace"/> for many pairs in one native call: F_i ← β_i·F_i + α_i·A_i·A_iᵀ. When
    /// the updates can be dealt evenly to the intra-op threads (largest first, by d²·k) each thread runs its updates with
    /// single-threaded BLAS inside one parallel region (one thread wake-up instead of one per update); otherwise they
    /// run in turn. Per pair the calls of <see cref="Tensor.AddSymmetricRankKInPlace"/>, up to the rounding of BLAS run on
    /// fewer threads.
    /// </summary>
    /// <param name="targets">F_i, square, updated in place (must not alias each other or any A).</param>
    /// <param name="factors">A_i, with as many rows as F_i.</param>
    /// <param name="betas">β_i.</param>
    /// <param name="alphas">α_i.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    /// <exception cref="TorchException">A pair's shapes do not fit (nothing updated), or libtorch failed.</exception>
    public static unsafe void SymmetricRankKManyInPlace(IReadOnlyList<Tensor> targets, IReadOnlyList<Tensor> factors, IReadOnlyList<double> betas, IReadOnlyList<double> alphas)
    {
        int n = SameLength(targets, factors, betas, alphas);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_syrk_many_(a.Handles(targets), a.Handles(factors), n, a.Copy(betas), a.Copy(alphas)));
    }

    /// <summary>
    /// Inverse roots (A_i + ε_i·I)^(−1/<paramref name="root"/>) of symmetric matrices by ASGO's former schedule (eigh of
    /// A + εI, the spectrum shifted up to ε when its minimum is below, X = Y·Yᵀ with Y = Q·diag(λ^(−1/2r))): only when
    /// the matrices can be dealt evenly to the intra-op threads (largest first; none more than 15% above its share),
    /// otherwise nothing is computed. The dealt bins run one after another on the calling thread with multi-threaded
    /// LAPACK, as this schedule always ran (the shim's at::parallel_for had no OpenMP region): it is kept as the
    /// benchmark's "former" yardstick; <see cref="InverseRootsPlanned"/> is the one with a real parallel region. A null
    /// entry means "not computed here" (not dealt, a non-finite A, or a failed eigh): the caller computes that one itself.
    /// </summary>
    /// <param name="matrices">A_i, square (read).</param>
    /// <param name="root">r &gt; 0.</param>
    /// <param name="eps">ε_i per matrix.</param>
    /// <returns>X_i (new tensors in the current <see cref="DisposeScope"/>) or null.</returns>
    public static unsafe Tensor?[] InverseRootsDealt(IReadOnlyList<Tensor> matrices, double root, IReadOnlyList<double> eps)
    {
        int n = SameLength(matrices, eps);
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        IntPtr* results = a.Output<IntPtr>(n);
        int* status = a.Output<int>(n);
        Check(ats_inverse_roots_dealt(a.Handles(matrices), n, root, a.Copy(eps), results, status));
        return WrapComputed(results, status, n);
    }

    /// <summary>
    /// Inverse roots (A_i + ε_i·I)^(−1/<paramref name="root"/>) by the caller's plan, computed as
    /// <see cref="InverseRootsDealt"/> computes each: <paramref name="plan"/>[i] in [0, <paramref name="bins"/>) puts
    /// matrix i in that bin, and all bins run in one parallel region, one thread per bin with single-threaded LAPACK and
    /// BLAS, however unequal the bins; <paramref name="plan"/>[i] = −1 leaves matrix i to the caller. A null entry means
    /// "not computed here" (left to the caller, a non-finite A, or a failed eigh): the caller computes that one itself.
    /// </summary>
    /// <param name="matrices">A_i, square where planned (read).</param>
    /// <param name="root">r &gt; 0.</param>
    /// <param name="eps">ε_i per matrix.</param>
    /// <param name="plan">Per matrix its bin, or −1.</param>
    /// <param name="bins">The number of bins (the threads the plan was made for), ≥ 1.</param>
    /// <returns>X_i (new tensors in the current <see cref="DisposeScope"/>) or null.</returns>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> &lt; 1, or a plan entry outside [−1, bins).</exception>
    /// <exception cref="TorchException">A planned matrix is not square.</exception>
    public static unsafe Tensor?[] InverseRootsPlanned(IReadOnlyList<Tensor> matrices, double root, IReadOnlyList<double> eps, IReadOnlyList<int> plan, int bins)
    {
        int n = SameLength(matrices, eps, plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        int* bin = a.Copy(plan);
        for (int i = 0; i < n; i++)
        {
            if (bin[i] < -1 || bin[i] >= bins) throw new ArgumentOutOfRangeException(nameof(plan), $"plan[{i}] = {bin[i]} is not in [-1, {bins})");
        }

        IntPtr* results = a.Output<IntPtr>(n);
        int* status = a.Output<int>(n);
        Check(ats_inverse_roots_planned(a.Handles(matrices), n, root, a.Copy(eps), bin, bins, results, status));
        return WrapComputed(results, status, n);
    }

    /// <summary>
    /// Eigenvalue-corrected Shampoo's eigh refresh of several Kronecker factors in one native call: for each statistic F
    /// and basis Q (square, one floating dtype), A = F / divisor (+ ε on the diagonal when ε ≠ 0) and Q ← the
    /// eigenvectors of A (<see cref="Linalg.Eigh"/>, eigenvalues ascending) in place. When the factors can be dealt evenly
    /// to the intra-op threads each thread runs its factors single-threaded in one parallel region (an eigh of a few
    /// hundred rows is many small BLAS calls, each waking the threads otherwise); per factor the ATen calls are those of
    /// a one-factor-at-a-time refresh, up to the rounding of BLAS run on fewer threads.
    /// </summary>
    /// <param name="statistics">The factors' statistics F (read).</param>
    /// <param name="bases">The factors' bases Q (overwritten when refreshed).</param>
    /// <param name="divisors">Per factor the divisor of F (its bias correction).</param>
    /// <param name="eps">Per factor ε, added to A's diagonal.</param>
    /// <returns>Per factor true when refreshed; false when A held NaN/∞ or eigh failed (its basis untouched).</returns>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    /// <exception cref="TorchException">A statistic is not square or a basis does not match it.</exception>
    public static unsafe bool[] EighRefreshInPlace(IReadOnlyList<Tensor> statistics, IReadOnlyList<Tensor> bases, IReadOnlyList<double> divisors, IReadOnlyList<double> eps)
    {
        int n = SameLength(statistics, bases, divisors, eps);
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        int* status = a.Output<int>(n);
        Check(ats_eigh_refresh_(a.Handles(statistics), a.Handles(bases), n, a.Copy(divisors), a.Copy(eps), status));
        var refreshed = new bool[n];
        for (int i = 0; i < n; i++) refreshed[i] = status[i] == 0;
        return refreshed;
    }

    /// <summary>
    /// True when the CPU executes bfloat16 dot products natively (AVX-512 BF16), where libtorch's bfloat16 GEMM
    /// (oneDNN) outruns its float32 one (BLAS); elsewhere libtorch emulates bfloat16 and float32 is faster.
    /// </summary>
    public static bool CpuHasNativeBFloat16 { get; } = QueryNativeBFloat16();

    private static bool QueryNativeBFloat16()
    {
        TorchRuntime.EnsureInitialized();
        Check(ats_cpu_has_native_bf16(out bool result));
        return result;
    }

    /// <summary>Per entry the result a native call computed (status 0), else null (left to the caller).</summary>
    private static unsafe Tensor?[] WrapComputed(IntPtr* results, int* status, int n)
    {
        var tensors = new Tensor?[n];
        for (int i = 0; i < n; i++) tensors[i] = status[i] == 0 ? new Tensor(results[i]) : null;
        return tensors;
    }

    // ---- fused elementwise steps (ops_elementwise.cpp): Schedule-Free AdamW, Sophia, moving averages ----

    /// <summary>
    /// Schedule-Free AdamW's update of every parameter in one native call and one pass over each element (the
    /// parameters hold the gradient point y): z ← z − γλ·y (only when <paramref name="hasDecay"/>, with
    /// <paramref name="decay"/> = −γλ); v ← β2·v + (1 − β2)·g²; z ← z − γ·g / (√v + ε); x ← lerp(x, z, c);
    /// y ← lerp(x, z, 1 − β1) as <see cref="LerpInto"/> computes it. These are the ATen ops
    /// <c>z.AddInPlace(y, decay)</c>, <c>v.MulInPlace(β2).AddCMulInPlace(g, g, 1 − β2)</c>,
    /// <c>z.AddCDivInPlace(g, v.Sqrt().AddInPlace(ε), −γ)</c>, <c>x.LerpInPlace(z, c)</c> with each op's rounding in that
    /// order; the multiply-adds of addcmul and lerp are fused on FMA CPUs, which ATen 1.13's compiler may or may not have
    /// done: equal to those ops up to one rounding of v and of x per step (bit-identical where ATen's build fused them
    /// too). Contiguous float32/float64 CPU tensors run in one parallel region over all their elements; any other
    /// parameter takes the ATen ops. g is read only.
    /// </summary>
    /// <param name="parameters">y, overwritten with the new training point.</param>
    /// <param name="grads">g (read).</param>
    /// <param name="z">The base iterates, updated in place.</param>
    /// <param name="x">The averages, updated in place.</param>
    /// <param name="v">The second moments, updated in place.</param>
    /// <param name="decay">−γλ, the factor of y added to z.</param>
    /// <param name="hasDecay">Whether to add it (λ ≠ 0).</param>
    /// <param name="beta1">β1 (y = lerp(x, z, 1 − β1)).</param>
    /// <param name="beta2">β2.</param>
    /// <param name="eps">ε, added to √v.</param>
    /// <param name="gamma">γ, the step's rate.</param>
    /// <param name="c">The averaging weight of this step.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void ScheduleFreeInPlace(
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> grads, IReadOnlyList<Tensor> z, IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> v,
        double decay, bool hasDecay, double beta1, double beta2, double eps, double gamma, double c)
    {
        int n = SameLength(parameters, grads, z, x, v);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_schedule_free_step_(a.Handles(parameters), a.Handles(grads), a.Handles(z), a.Handles(x), a.Handles(v), n, decay, hasDecay, beta1, beta2, eps, gamma, c));
    }

    /// <summary>
    /// out_k ← lerp(a_k, b_k, w) for every triple in one native call: ATen's scalar-weight formula (a + w·(b − a) when
    /// |w| &lt; 0.5, else b − (b − a)·(1 − w)), the multiply-add fused on FMA CPUs; equal to
    /// <c>out.CopyInPlace(a).LerpInPlace(b, w)</c> up to one rounding, and exactly the value
    /// <see cref="ScheduleFreeInPlace"/> writes for y. Triples that are not contiguous float32/float64 CPU tensors take
    /// those ATen ops.
    /// </summary>
    /// <param name="outputs">out, overwritten (must not alias a or b).</param>
    /// <param name="starts">a (read).</param>
    /// <param name="ends">b (read).</param>
    /// <param name="weight">w.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    /// <exception cref="TorchException">A triple's shapes differ.</exception>
    public static unsafe void LerpInto(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> starts, IReadOnlyList<Tensor> ends, double weight)
    {
        int n = SameLength(outputs, starts, ends);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_lerp_into_(a.Handles(outputs), a.Handles(starts), a.Handles(ends), n, weight));
    }

    /// <summary>
    /// Sophia's regular step over every parameter in one native call and one pass over each element:
    /// m ← lerp(m, g, 1 − β1); u = clamp(m / max(ρ·h, ε), −1, 1); u ← u + λ_k·w (only when <paramref name="decay"/>);
    /// u ← s_k·u. With <paramref name="apply"/> the parameters take w ← w + u and the gradients are left alone;
    /// otherwise the gradients are overwritten with u. These are the ATen ops of <c>Chain(ScaleBySophia,
    /// [AddDecayedWeights], ScaleByLearningRate)</c> and the engine's w += u, with each op's rounding in that order
    /// (<c>AddInPlace(w, λ)</c> is ATen's fmadd, fused on FMA CPUs as here): bit-identical to them except the momentum's
    /// lerp, whose multiply-add is fused on FMA CPUs (one rounding apart where ATen's build did not fuse it). Contiguous
    /// float32/float64 CPU tensors run in one parallel region over all their elements; others take the ATen ops.
    /// </summary>
    /// <param name="parameters">w (read; written when <paramref name="apply"/>).</param>
    /// <param name="grads">g (read; overwritten by u unless <paramref name="apply"/>).</param>
    /// <param name="momenta">m, updated in place.</param>
    /// <param name="hessians">h, the diagonal-Hessian EMAs (read).</param>
    /// <param name="weightDecays">λ_k per tensor (read only when <paramref name="decay"/>).</param>
    /// <param name="scales">s_k per tensor (−η·m_η for a descent step).</param>
    /// <param name="beta1">β1.</param>
    /// <param name="rho">ρ.</param>
    /// <param name="eps">ε, the denominator's floor.</param>
    /// <param name="decay">Add λ_k·w to u.</param>
    /// <param name="apply">Write the parameters instead of the gradients.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void SophiaInPlace(
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> grads, IReadOnlyList<Tensor> momenta, IReadOnlyList<Tensor> hessians,
        IReadOnlyList<double> weightDecays, IReadOnlyList<double> scales, double beta1, double rho, double eps, bool decay, bool apply)
    {
        int n = SameLength(parameters, grads, momenta, hessians, weightDecays, scales);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_sophia_step_(a.Handles(parameters), a.Handles(grads), a.Handles(momenta), a.Handles(hessians), n, a.Copy(weightDecays), a.Copy(scales), beta1, rho, eps, decay, apply));
    }

    /// <summary>
    /// Moving averages of many tensors in one native call: t_k ← β·t_k + w·s_k⊙s_k with <paramref name="square"/>
    /// (<c>t.MulInPlace(β).AddCMulInPlace(s, s, w)</c>, up to one rounding: its multiply-add is fused on FMA CPUs), else
    /// t_k ← β·t_k + w·s_k (<c>t.MulInPlace(β).AddInPlace(s, w)</c>, bit-identical). Contiguous float32/float64 CPU pairs
    /// run in one parallel region over all their elements; others take those ATen ops.
    /// </summary>
    /// <param name="targets">t, updated in place.</param>
    /// <param name="sources">s, one per target, same shape (read).</param>
    /// <param name="beta">β.</param>
    /// <param name="weight">w.</param>
    /// <param name="square">Average s⊙s instead of s.</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static unsafe void EmaManyInPlace(IReadOnlyList<Tensor> targets, IReadOnlyList<Tensor> sources, double beta, double weight, bool square)
    {
        int n = SameLength(targets, sources);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_ema_many_(a.Handles(targets), a.Handles(sources), n, beta, weight, square));
    }
}
