using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Reduction op codes of <c>ats_reduce</c>.</summary>
internal enum ReduceOp
{
    Sum = 0, Mean = 1, Prod = 2, AMax = 3, AMin = 4, Any = 5, All = 6, LogSumExp = 7, Max = 8, Min = 9,
}

/// <summary>Cumulative op codes of <c>ats_cumulative</c>.</summary>
internal enum CumulativeOp
{
    CumSum = 0, CumProd = 1, LogCumSumExp = 2,
}

public sealed partial class Tensor
{
    internal unsafe Tensor Reduce(ReduceOp op, ReadOnlySpan<long> dims, bool keepDim, DType? dtype = null)
    {
        fixed (long* p = dims)
        {
            return Wrap(ats_reduce((int)op, Handle, p, dims.Length, keepDim, dtype.HasValue ? (int)dtype.Value : -1, out var r), r);
        }
    }

    /// <summary>Sum of all elements (0-D result).</summary>
    public Tensor Sum() => Reduce(ReduceOp.Sum, [], false);

    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor Sum(ReadOnlySpan<long> dims, bool keepDim = false, DType? dtype = null) => Reduce(ReduceOp.Sum, dims, keepDim, dtype);

    /// <summary>Sum over one dim.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(ReduceOp.Sum, [dim], keepDim);

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Reduce(ReduceOp.Mean, [], false);

    /// <summary>Mean over <paramref name="dims"/>.</summary>
    public Tensor Mean(ReadOnlySpan<long> dims, bool keepDim = false, DType? dtype = null) => Reduce(ReduceOp.Mean, dims, keepDim, dtype);

    /// <summary>Mean over one dim.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(ReduceOp.Mean, [dim], keepDim);

    /// <summary>Product of all elements, or over one dim.</summary>
    public Tensor Prod(long? dim = null, bool keepDim = false) =>
        dim.HasValue ? Reduce(ReduceOp.Prod, [dim.Value], keepDim) : Reduce(ReduceOp.Prod, [], false);

    /// <summary>Maximum values over <paramref name="dims"/> (all dims when empty).</summary>
    public Tensor AMax(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.AMax, dims, keepDim);

    /// <summary>Minimum values over <paramref name="dims"/> (all dims when empty).</summary>
    public Tensor AMin(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.AMin, dims, keepDim);

    /// <summary>True if any element (over one dim, or all) is non-zero.</summary>
    public Tensor Any(long? dim = null, bool keepDim = false) =>
        dim.HasValue ? Reduce(ReduceOp.Any, [dim.Value], keepDim) : Reduce(ReduceOp.Any, [], false);

    /// <summary>True if every element (over one dim, or all) is non-zero.</summary>
    public Tensor All(long? dim = null, bool keepDim = false) =>
        dim.HasValue ? Reduce(ReduceOp.All, [dim.Value], keepDim) : Reduce(ReduceOp.All, [], false);

    /// <summary>log Σ exp over <paramref name="dims"/> (all dims when empty), computed stably.</summary>
    public Tensor LogSumExp(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.LogSumExp, dims, keepDim);

    // ---- extrema -------------------------------------------------------------------------------------------------

    /// <summary>The largest element (0-D result; NaN if any element is NaN). Throws <see cref="TorchException"/> on an empty tensor.</summary>
    public Tensor Max() => Reduce(ReduceOp.Max, [], false);

    /// <summary>The smallest element (0-D result; NaN if any element is NaN).</summary>
    public Tensor Min() => Reduce(ReduceOp.Min, [], false);

    /// <summary>
    /// The largest values along <paramref name="dim"/> and their int64 positions in it (on CPU a tie gives the first
    /// position). Both results have this shape without <paramref name="dim"/>, or with it as size 1 when
    /// <paramref name="keepDim"/>. The caller owns both tensors.
    /// </summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => MaxMin(dim, keepDim, min: false);

    /// <summary>The smallest values along <paramref name="dim"/> and their int64 positions (see <see cref="Max(long, bool)"/>).</summary>
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => MaxMin(dim, keepDim, min: true);

    /// <summary>
    /// The int64 position of the largest element along <paramref name="dim"/>, or in the flattened tensor when
    /// <paramref name="dim"/> is null (0-D result then). On CPU a tie gives the first position.
    /// </summary>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) =>
        Wrap(ats_argmax(Handle, dim.HasValue, dim ?? 0, keepDim, false, out var r), r);

    /// <summary>The int64 position of the smallest element (see <see cref="ArgMax"/>).</summary>
    public Tensor ArgMin(long? dim = null, bool keepDim = false) =>
        Wrap(ats_argmax(Handle, dim.HasValue, dim ?? 0, keepDim, true, out var r), r);

    private (Tensor Values, Tensor Indices) MaxMin(long dim, bool keepDim, bool min)
    {
        Check(ats_max_dim(Handle, dim, keepDim, min, out var values, out var indices));
        return (new Tensor(values), new Tensor(indices));
    }

    // ---- moments -------------------------------------------------------------------------------------------------

    /// <summary>Variance of all elements: Σ(x - mean)² / (N - 1), or / N when <paramref name="unbiased"/> is false (0-D result).</summary>
    public Tensor Var(bool unbiased = true) => VarStd([], unbiased ? 1 : 0, false, false);

    /// <summary>Variance over <paramref name="dims"/> (all elements when empty), dividing by N - 1 when <paramref name="unbiased"/>, else N.</summary>
    public Tensor Var(ReadOnlySpan<long> dims, bool unbiased = true, bool keepDim = false) => VarStd(dims, unbiased ? 1 : 0, keepDim, false);

    /// <summary>
    /// Variance over <paramref name="dims"/> (all elements when empty): Σ(x - mean)² / max(0, N - <paramref name="correction"/>)
    /// (N = number of elements reduced; correction 1 is Bessel's, 0 the population variance).
    /// </summary>
    public Tensor Var(ReadOnlySpan<long> dims, long correction, bool keepDim = false) => VarStd(dims, correction, keepDim, false);

    /// <summary>Variance over one dim (N - 1 divisor when <paramref name="unbiased"/>, else N).</summary>
    public Tensor Var(long dim, bool unbiased = true, bool keepDim = false) => VarStd([dim], unbiased ? 1 : 0, keepDim, false);

    /// <summary>Standard deviation of all elements: the square root of <see cref="Var(bool)"/> (0-D result).</summary>
    public Tensor Std(bool unbiased = true) => VarStd([], unbiased ? 1 : 0, false, true);

    /// <summary>Standard deviation over <paramref name="dims"/> (all elements when empty); see <see cref="Var(ReadOnlySpan{long}, bool, bool)"/>.</summary>
    public Tensor Std(ReadOnlySpan<long> dims, bool unbiased = true, bool keepDim = false) => VarStd(dims, unbiased ? 1 : 0, keepDim, true);

    /// <summary>Standard deviation over <paramref name="dims"/> with divisor N - <paramref name="correction"/>; see <see cref="Var(ReadOnlySpan{long}, long, bool)"/>.</summary>
    public Tensor Std(ReadOnlySpan<long> dims, long correction, bool keepDim = false) => VarStd(dims, correction, keepDim, true);

    /// <summary>Standard deviation over one dim (N - 1 divisor when <paramref name="unbiased"/>, else N).</summary>
    public Tensor Std(long dim, bool unbiased = true, bool keepDim = false) => VarStd([dim], unbiased ? 1 : 0, keepDim, true);

    private unsafe Tensor VarStd(ReadOnlySpan<long> dims, long correction, bool keepDim, bool stddev)
    {
        fixed (long* p = dims) return Wrap(ats_var(Handle, p, dims.Length, correction, keepDim, stddev, out var r), r);
    }

    // ---- norms ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The vector p-norm (Σ|x|^p)^(1/p) over <paramref name="dims"/>, treating them as one vector (all elements when
    /// empty, so the default is the Frobenius norm). <paramref name="p"/> may be <see cref="double.PositiveInfinity"/>
    /// (max |x|), <see cref="double.NegativeInfinity"/> (min |x|) or 0 (count of non-zeros). Floating input only;
    /// <paramref name="dtype"/> sets the computation and result type.
    /// </summary>
    public unsafe Tensor Norm(double p = 2, ReadOnlySpan<long> dims = default, bool keepDim = false, DType? dtype = null)
    {
        fixed (long* d = dims)
        {
            return Wrap(ats_norm(Handle, p, d, dims.Length, keepDim, dtype.HasValue ? (int)dtype.Value : -1, out var r), r);
        }
    }

    /// <summary>The vector p-norm along one dim (see <see cref="Norm(double, ReadOnlySpan{long}, bool, DType?)"/>).</summary>
    public Tensor Norm(double p, long dim, bool keepDim = false) => Norm(p, [dim], keepDim);

    // ---- scans ---------------------------------------------------------------------------------------------------

    /// <summary>Running sum along <paramref name="dim"/> (same shape; integer and bool input gives int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public Tensor CumSum(long dim, DType? dtype = null) => Cumulative(CumulativeOp.CumSum, dim, dtype);

    /// <summary>Running product along <paramref name="dim"/> (same shape; integer input gives int64 unless <paramref name="dtype"/> says otherwise).</summary>
    public Tensor CumProd(long dim, DType? dtype = null) => Cumulative(CumulativeOp.CumProd, dim, dtype);

    /// <summary>Running log Σ exp along <paramref name="dim"/>, computed stably (floating input; same shape).</summary>
    public Tensor LogCumSumExp(long dim) => Cumulative(CumulativeOp.LogCumSumExp, dim, null);

    private Tensor Cumulative(CumulativeOp op, long dim, DType? dtype) =>
        Wrap(ats_cumulative((int)op, Handle, dim, dtype.HasValue ? (int)dtype.Value : -1, out var r), r);
}
