using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.ListArgs;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Elementwise ops over whole lists of tensors in one native call (libtorch's <c>_foreach_*</c> kernels): the
/// multi-tensor form of an optimizer step. On CUDA each call is one fused launch per list; on CPU libtorch loops over
/// the tensors, so the win there is one managed→native crossing per list instead of per tensor. The numbers are
/// bitwise those of the per-tensor <see cref="Tensor"/> ops.
/// </summary>
/// <remarks>
/// <para>Lists: any <see cref="IReadOnlyList{T}"/> (arrays, <c>List&lt;Tensor&gt;</c>, collection expressions). Paired
/// lists must have the same length (else <see cref="ArgumentException"/>); tensor i of one list pairs with tensor i of
/// the other and follows the usual broadcasting and type-promotion rules. An empty list is a no-op (or gives an empty
/// result).</para>
/// <para>Methods ending in <c>InPlace</c> mutate the tensors of their first list; the others return a new array of new
/// tensors the caller owns (they join the current <see cref="DisposeScope"/>). Not differentiable in libtorch 1.13:
/// call inside <c>using var _ = Autograd.NoGrad();</c>, as optimizer steps do. Thread-safety: as the per-tensor ops.</para>
/// </remarks>
public static class Foreach
{
    // ---- add / sub -----------------------------------------------------------------------------------------------

    /// <summary>self[i] += other[i].</summary>
    public static void AddInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        BinaryInPlace(BinaryOp.Add, self, other, 1L);

    /// <summary>self[i] += alpha·other[i].</summary>
    public static void AddInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, Scalar alpha) =>
        BinaryInPlace(BinaryOp.Add, self, other, alpha);

    /// <summary>self[i] += value.</summary>
    public static void AddInPlace(IReadOnlyList<Tensor> self, Scalar value) => BinaryScalarInPlace(BinaryOp.Add, self, value);

    /// <summary>self[i] += values[i] (one number per tensor).</summary>
    public static void AddInPlace(IReadOnlyList<Tensor> self, ReadOnlySpan<double> values) =>
        BinaryScalarsInPlace(BinaryOp.Add, self, values);

    /// <summary>New list: xs[i] + alpha·ys[i].</summary>
    public static Tensor[] Add(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys, Scalar alpha) => Binary(BinaryOp.Add, xs, ys, alpha);

    /// <summary>New list: xs[i] + ys[i].</summary>
    public static Tensor[] Add(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys) => Binary(BinaryOp.Add, xs, ys, 1L);

    /// <summary>New list: xs[i] + value.</summary>
    public static Tensor[] Add(IReadOnlyList<Tensor> xs, Scalar value) => BinaryScalar(BinaryOp.Add, xs, value);

    /// <summary>self[i] −= other[i].</summary>
    public static void SubInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        BinaryInPlace(BinaryOp.Sub, self, other, 1L);

    /// <summary>self[i] −= alpha·other[i].</summary>
    public static void SubInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, Scalar alpha) =>
        BinaryInPlace(BinaryOp.Sub, self, other, alpha);

    /// <summary>self[i] −= value.</summary>
    public static void SubInPlace(IReadOnlyList<Tensor> self, Scalar value) => BinaryScalarInPlace(BinaryOp.Sub, self, value);

    /// <summary>New list: xs[i] − ys[i].</summary>
    public static Tensor[] Sub(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys) => Binary(BinaryOp.Sub, xs, ys, 1L);

    // ---- mul / div -----------------------------------------------------------------------------------------------

    /// <summary>self[i] ·= value.</summary>
    public static void MulInPlace(IReadOnlyList<Tensor> self, Scalar value) => BinaryScalarInPlace(BinaryOp.Mul, self, value);

    /// <summary>self[i] ·= other[i] (elementwise).</summary>
    public static void MulInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        BinaryInPlace(BinaryOp.Mul, self, other, 1L);

    /// <summary>self[i] ·= values[i] (one number per tensor).</summary>
    public static void MulInPlace(IReadOnlyList<Tensor> self, ReadOnlySpan<double> values) =>
        BinaryScalarsInPlace(BinaryOp.Mul, self, values);

    /// <summary>New list: xs[i] · value.</summary>
    public static Tensor[] Mul(IReadOnlyList<Tensor> xs, Scalar value) => BinaryScalar(BinaryOp.Mul, xs, value);

    /// <summary>New list: xs[i] · ys[i] (elementwise).</summary>
    public static Tensor[] Mul(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys) => Binary(BinaryOp.Mul, xs, ys, 1L);

    /// <summary>self[i] /= other[i] (elementwise, true division).</summary>
    public static void DivInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        BinaryInPlace(BinaryOp.Div, self, other, 1L);

    /// <summary>self[i] /= value.</summary>
    public static void DivInPlace(IReadOnlyList<Tensor> self, Scalar value) => BinaryScalarInPlace(BinaryOp.Div, self, value);

    /// <summary>self[i] /= values[i] (one number per tensor).</summary>
    public static void DivInPlace(IReadOnlyList<Tensor> self, ReadOnlySpan<double> values) =>
        BinaryScalarsInPlace(BinaryOp.Div, self, values);

    /// <summary>New list: xs[i] / ys[i].</summary>
    public static Tensor[] Div(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys) => Binary(BinaryOp.Div, xs, ys, 1L);

    // ---- maximum / minimum ---------------------------------------------------------------------------------------

    /// <summary>self[i] = max(self[i], other[i]) elementwise (NaN propagates).</summary>
    public static void MaximumInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        BinaryInPlace(BinaryOp.Maximum, self, other, 1L);

    /// <summary>self[i] = min(self[i], other[i]) elementwise (NaN propagates).</summary>
    public static void MinimumInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        BinaryInPlace(BinaryOp.Minimum, self, other, 1L);

    /// <summary>New list: max(xs[i], ys[i]) elementwise.</summary>
    public static Tensor[] Maximum(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys) => Binary(BinaryOp.Maximum, xs, ys, 1L);

    /// <summary>New list: min(xs[i], ys[i]) elementwise.</summary>
    public static Tensor[] Minimum(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys) => Binary(BinaryOp.Minimum, xs, ys, 1L);

    // ---- fused -----------------------------------------------------------------------------------------------------

    /// <summary>self[i] += value·t1[i]·t2[i] (Adam's second-moment update is <c>AddCMulInPlace(v, g, g, 1 − β2)</c> after scaling v by β2).</summary>
    public static void AddCMulInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, Scalar value) =>
        AddCMul(self, t1, t2, value, div: false);

    /// <summary>self[i] += values[i]·t1[i]·t2[i] (one number per tensor).</summary>
    public static void AddCMulInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, ReadOnlySpan<double> values) =>
        AddCMul(self, t1, t2, values, div: false);

    /// <summary>self[i] += value·t1[i]/t2[i].</summary>
    public static void AddCDivInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, Scalar value) =>
        AddCMul(self, t1, t2, value, div: true);

    /// <summary>self[i] += values[i]·t1[i]/t2[i] (one number per tensor, e.g. per-parameter step sizes).</summary>
    public static void AddCDivInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, ReadOnlySpan<double> values) =>
        AddCMul(self, t1, t2, values, div: true);

    /// <summary>
    /// self[i] += weight·(ends[i] − self[i]) (an exponential moving average with <c>weight = 1 − β</c>). libtorch 1.13
    /// has no <c>_foreach_lerp_</c>: against it the shim loops over <c>lerp_</c> natively (same arithmetic, one call).
    /// </summary>
    public static unsafe void LerpInPlace(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> ends, Scalar weight)
    {
        int n = SameLength(self, ends);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_lerp_(a.Handles(self), a.Handles(ends), n, weight.Native));
    }

    // ---- unary -----------------------------------------------------------------------------------------------------

    /// <summary>New list: √xs[i].</summary>
    public static Tensor[] Sqrt(IReadOnlyList<Tensor> xs) => Unary(UnaryOp.Sqrt, xs);

    /// <summary>self[i] = √self[i].</summary>
    public static void SqrtInPlace(IReadOnlyList<Tensor> self) => UnaryInPlace(UnaryOp.Sqrt, self);

    /// <summary>New list: exp(xs[i]).</summary>
    public static Tensor[] Exp(IReadOnlyList<Tensor> xs) => Unary(UnaryOp.Exp, xs);

    /// <summary>self[i] = exp(self[i]).</summary>
    public static void ExpInPlace(IReadOnlyList<Tensor> self) => UnaryInPlace(UnaryOp.Exp, self);

    /// <summary>New list: ln(xs[i]).</summary>
    public static Tensor[] Log(IReadOnlyList<Tensor> xs) => Unary(UnaryOp.Log, xs);

    /// <summary>New list: −xs[i].</summary>
    public static Tensor[] Neg(IReadOnlyList<Tensor> xs) => Unary(UnaryOp.Neg, xs);

    /// <summary>self[i] = −self[i].</summary>
    public static void NegInPlace(IReadOnlyList<Tensor> self) => UnaryInPlace(UnaryOp.Neg, self);

    /// <summary>New list: |xs[i]|.</summary>
    public static Tensor[] Abs(IReadOnlyList<Tensor> xs) => Unary(UnaryOp.Abs, xs);

    /// <summary>self[i] = |self[i]|.</summary>
    public static void AbsInPlace(IReadOnlyList<Tensor> self) => UnaryInPlace(UnaryOp.Abs, self);

    /// <summary>New list: 1 / xs[i].</summary>
    public static Tensor[] Reciprocal(IReadOnlyList<Tensor> xs) => Unary(UnaryOp.Reciprocal, xs);

    /// <summary>self[i] = 1 / self[i].</summary>
    public static void ReciprocalInPlace(IReadOnlyList<Tensor> self) => UnaryInPlace(UnaryOp.Reciprocal, self);

    /// <summary>Sets every element of every tensor to zero.</summary>
    public static void ZeroInPlace(IReadOnlyList<Tensor> self) => UnaryInPlace(UnaryOp.Zero, self);

    // ---- norms -------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The vector <paramref name="ord"/>-norm of each whole tensor (flattened) as a new array of 0-D tensors, equal to
    /// <c>Linalg.VectorNorm(xs[i], ord)</c>. ord may be any real p, 0 or ±∞.
    /// </summary>
    public static unsafe Tensor[] Norm(IReadOnlyList<Tensor> xs, double ord = 2)
    {
        ArgumentNullException.ThrowIfNull(xs);
        int n = xs.Count;
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(n);
        Check(ats_foreach_norm(a.Handles(xs), n, ((Scalar)ord).Native, r, n, out long count));
        return Tensor.WrapAll(r, count);
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------------

    private static unsafe Tensor[] Unary(UnaryOp op, IReadOnlyList<Tensor> xs)
    {
        ArgumentNullException.ThrowIfNull(xs);
        int n = xs.Count;
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(n);
        Check(ats_foreach_unary((int)op, a.Handles(xs), n, r, n, out long count));
        return Tensor.WrapAll(r, count);
    }

    private static unsafe void UnaryInPlace(UnaryOp op, IReadOnlyList<Tensor> self)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (self.Count == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_unary_((int)op, a.Handles(self), self.Count));
    }

    private static unsafe Tensor[] Binary(BinaryOp op, IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys, Scalar alpha)
    {
        int n = SameLength(xs, ys);
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(n);
        Check(ats_foreach_binary((int)op, a.Handles(xs), a.Handles(ys), n, alpha.Native, r, n, out long count));
        return Tensor.WrapAll(r, count);
    }

    private static unsafe void BinaryInPlace(BinaryOp op, IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, Scalar alpha)
    {
        int n = SameLength(self, other);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_binary_((int)op, a.Handles(self), a.Handles(other), n, alpha.Native));
    }

    private static unsafe Tensor[] BinaryScalar(BinaryOp op, IReadOnlyList<Tensor> xs, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(xs);
        int n = xs.Count;
        if (n == 0) return [];
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(n);
        Check(ats_foreach_binary_scalar((int)op, a.Handles(xs), n, value.Native, r, n, out long count));
        return Tensor.WrapAll(r, count);
    }

    private static unsafe void BinaryScalarInPlace(BinaryOp op, IReadOnlyList<Tensor> self, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (self.Count == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_binary_scalar_((int)op, a.Handles(self), self.Count, value.Native));
    }

    private static unsafe void BinaryScalarsInPlace(BinaryOp op, IReadOnlyList<Tensor> self, ReadOnlySpan<double> values)
    {
        int n = SameLength([new(self?.Count, nameof(self)), new(values.Length, nameof(values))]);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_binary_scalars_((int)op, a.Handles(self!), n, a.Scalars(values)));
    }

    private static unsafe void AddCMul(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, Scalar value, bool div)
    {
        int n = SameLength(self, t1, t2);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_addcmul_(a.Handles(self), a.Handles(t1), a.Handles(t2), n, value.Native, div));
    }

    private static unsafe void AddCMul(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, ReadOnlySpan<double> values, bool div)
    {
        int n = SameLength([new(self?.Count, nameof(self)), new(t1?.Count, nameof(t1)), new(t2?.Count, nameof(t2)), new(values.Length, nameof(values))]);
        if (n == 0) return;
        using var a = NativeArgs.Begin();
        Check(ats_foreach_addcmul_scalars_(a.Handles(self!), a.Handles(t1!), a.Handles(t2!), n, a.Scalars(values), div));
    }
}
