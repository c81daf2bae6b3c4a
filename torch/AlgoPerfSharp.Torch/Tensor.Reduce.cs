using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Reduction op codes of <c>ats_reduce</c>.</summary>
internal enum ReduceOp
{
    Sum = 0, Mean = 1, Prod = 2, AMax = 3, AMin = 4, Any = 5, All = 6, LogSumExp = 7,
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
}
