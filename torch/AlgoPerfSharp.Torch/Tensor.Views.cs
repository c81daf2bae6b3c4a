using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

// Views, shape manipulation and indexing. Dims follow PyTorch: negative values count from the end. Unless a member
// says "a copy", the result is a view sharing storage with this tensor: writing through it changes this tensor.
// Every result is a new Tensor the caller owns (it joins the current DisposeScope); list results are arrays of them.
public sealed partial class Tensor
{
    // ---- reshaping views ---------------------------------------------------------------------------------------

    /// <summary>The same elements with a new shape (a view when possible, else a copy). One dim may be -1 (inferred).</summary>
    public unsafe Tensor Reshape(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(ats_reshape(Handle, p, shape.Length, out var r), r);
    }

    /// <summary>
    /// A view with a new shape (one dim may be -1). Unlike <see cref="Reshape"/> never copies: throws
    /// <see cref="TorchException"/> when the strides do not allow the view (e.g. after <see cref="Transpose"/>).
    /// </summary>
    public unsafe Tensor View(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(ats_view(Handle, p, shape.Length, out var r), r);
    }

    /// <summary>A view with the dims reordered: result dim <c>i</c> is this tensor's dim <c>dims[i]</c>.</summary>
    public unsafe Tensor Permute(params ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims) return Wrap(ats_permute(Handle, p, dims.Length, out var r), r);
    }

    /// <summary>A view with dims <paramref name="dim0"/> and <paramref name="dim1"/> swapped (not contiguous in general).</summary>
    public Tensor Transpose(long dim0, long dim1) => Wrap(ats_transpose(Handle, dim0, dim1, out var r), r);

    /// <summary>The transpose of a tensor with at most 2 dims (a view; 0-D and 1-D tensors come back unchanged). (m, n) → (n, m).</summary>
    public Tensor T() => Wrap(ats_t(Handle, out var r), r);

    /// <summary>A view without the size-1 dims.</summary>
    public Tensor Squeeze() => Wrap(ats_squeeze(Handle, false, 0, out var r), r);

    /// <summary>A view without <paramref name="dim"/> if its size is 1 (otherwise the same shape).</summary>
    public Tensor Squeeze(long dim) => Wrap(ats_squeeze(Handle, true, dim, out var r), r);

    /// <summary>A view with a size-1 dim inserted at <paramref name="dim"/> (in <c>[-Dim-1, Dim]</c>).</summary>
    public Tensor Unsqueeze(long dim) => Wrap(ats_unsqueeze(Handle, dim, out var r), r);

    /// <summary>Dims <paramref name="startDim"/>..<paramref name="endDim"/> (inclusive) merged into one (a view when possible).</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(ats_flatten(Handle, startDim, endDim, out var r), r);

    /// <summary>Dim <paramref name="dim"/> split into <paramref name="sizes"/> (one may be -1); the inverse of <see cref="Flatten"/>.</summary>
    public unsafe Tensor Unflatten(long dim, params ReadOnlySpan<long> sizes)
    {
        fixed (long* p = sizes) return Wrap(ats_unflatten(Handle, dim, p, sizes.Length, out var r), r);
    }

    /// <summary>
    /// A broadcast view of <paramref name="shape"/> (-1 keeps a size; new leading dims may be added). Expanded dims have
    /// stride 0: every element of them aliases the same memory, so do not write through the result.
    /// </summary>
    public unsafe Tensor Expand(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(ats_expand(Handle, p, shape.Length, out var r), r);
    }

    /// <summary>A broadcast view with the shape of <paramref name="other"/> (see <see cref="Expand"/>).</summary>
    public Tensor ExpandAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_expand_as(Handle, other.Handle, out var r), r);
    }

    /// <summary>
    /// A row-major dense tensor with these elements: a new handle to this same tensor when already contiguous, else a copy.
    /// </summary>
    public Tensor Contiguous() => Wrap(ats_contiguous(Handle, out var r), r);

    /// <summary>
    /// The same elements laid out densely in <paramref name="format"/> (a new handle when already so, else a copy;
    /// differentiable). <see cref="MemoryFormat.ChannelsLast"/> keeps the (N, C, H, W) shape with NHWC strides — the
    /// layout oneDNN's CPU convolutions run fastest on.
    /// </summary>
    public Tensor Contiguous(MemoryFormat format) => Wrap(ats_contiguous_format(Handle, (int)format, out var r), r);

    // ---- slicing views -----------------------------------------------------------------------------------------

    /// <summary>A view of <paramref name="length"/> entries of <paramref name="dim"/> starting at <paramref name="start"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(ats_narrow(Handle, dim, start, length, out var r), r);

    /// <summary>
    /// The view <c>this[start:end:step]</c> along <paramref name="dim"/> (null = open bound; negative bounds count from
    /// the end; out-of-range bounds are clamped as in Python). <paramref name="step"/> must be positive.
    /// </summary>
    public Tensor Slice(long dim, long? start = null, long? end = null, long step = 1) =>
        Wrap(ats_slice(Handle, dim, start.HasValue, start ?? 0, end.HasValue, end ?? 0, step, out var r), r);

    /// <summary>The view at <paramref name="index"/> of <paramref name="dim"/>, which is removed (one dim fewer).</summary>
    public Tensor Select(long dim, long index) => Wrap(ats_select(Handle, dim, index, out var r), r);

    /// <summary>
    /// Splits <paramref name="dim"/> into at most <paramref name="chunks"/> views of size ceil(size / chunks) (the last
    /// may be smaller, and fewer chunks come back when the size does not fill them).
    /// </summary>
    public unsafe Tensor[] Chunk(long chunks, long dim = 0)
    {
        long size = SizeOrNegative(dim);
        long cap = Math.Max(1, size == 0 ? chunks : Math.Min(chunks, size)); // an empty dim gives `chunks` empty views
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(cap);
        Check(ats_chunk(Handle, chunks, dim, r, cap, out long n));
        return WrapAll(r, n);
    }

    /// <summary>Splits <paramref name="dim"/> into ceil(size / splitSize) views of <paramref name="splitSize"/> (the last may be smaller).</summary>
    public unsafe Tensor[] Split(long splitSize, long dim = 0)
    {
        long size = SizeOrNegative(dim);
        long cap = splitSize > 0 && size > 0 ? (size + splitSize - 1) / splitSize : 1;
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(cap);
        Check(ats_split(Handle, splitSize, dim, r, cap, out long n));
        return WrapAll(r, n);
    }

    /// <summary>Splits <paramref name="dim"/> into views of the given <paramref name="sizes"/>, which must sum to its size.</summary>
    public unsafe Tensor[] Split(ReadOnlySpan<long> sizes, long dim = 0)
    {
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(sizes.Length);
        long n;
        fixed (long* s = sizes) Check(ats_split_sizes(Handle, s, sizes.Length, dim, r, sizes.Length, out n));
        return WrapAll(r, n);
    }

    /// <summary>The views at each index of <paramref name="dim"/>, each without that dim.</summary>
    public unsafe Tensor[] Unbind(long dim = 0)
    {
        long cap = Math.Max(0, SizeOrNegative(dim));
        using var a = NativeArgs.Begin();
        var r = a.Output<IntPtr>(cap);
        Check(ats_unbind(Handle, dim, r, cap, out long n));
        return WrapAll(r, n);
    }

    // ---- joining and rearranging (copies) ------------------------------------------------------------------------

    /// <summary>
    /// Concatenation along existing dim <paramref name="dim"/> (a copy). All tensors need the same shape except in
    /// <paramref name="dim"/>.
    /// </summary>
    public static unsafe Tensor Cat(ReadOnlySpan<Tensor> tensors, long dim = 0)
    {
        using var a = NativeArgs.Begin();
        return Wrap(ats_cat(a.Handles(tensors), tensors.Length, dim, out var r), r);
    }

    /// <summary>Concatenation along existing dim <paramref name="dim"/> (a copy).</summary>
    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var a = NativeArgs.Begin();
        return Wrap(ats_cat(a.Handles(tensors), tensors.Count, dim, out var r), r);
    }

    /// <summary>
    /// Stacks same-shaped tensors along a new dim <paramref name="dim"/> (in <c>[-Dim-1, Dim]</c>): n tensors of shape
    /// S give one of S with n inserted at <paramref name="dim"/> (a copy).
    /// </summary>
    public static unsafe Tensor Stack(ReadOnlySpan<Tensor> tensors, long dim = 0)
    {
        using var a = NativeArgs.Begin();
        return Wrap(ats_stack(a.Handles(tensors), tensors.Length, dim, out var r), r);
    }

    /// <summary>Stacks same-shaped tensors along a new dim <paramref name="dim"/> (a copy).</summary>
    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var a = NativeArgs.Begin();
        return Wrap(ats_stack(a.Handles(tensors), tensors.Count, dim, out var r), r);
    }

    /// <summary>
    /// Tiles the tensor (a copy): dim i is repeated <c>repeats[i]</c> times. <paramref name="repeats"/> may be longer
    /// than <see cref="Dim"/> (new leading dims), never shorter.
    /// </summary>
    public unsafe Tensor Repeat(params ReadOnlySpan<long> repeats)
    {
        fixed (long* p = repeats) return Wrap(ats_repeat(Handle, p, repeats.Length, out var r), r);
    }

    /// <summary>A copy with the order of entries reversed along each of <paramref name="dims"/>.</summary>
    public unsafe Tensor Flip(params ReadOnlySpan<long> dims)
    {
        fixed (long* p = dims) return Wrap(ats_flip(Handle, p, dims.Length, out var r), r);
    }

    /// <summary>A copy circularly shifted by <paramref name="shift"/> along <paramref name="dim"/> (element i moves to i + shift).</summary>
    public Tensor Roll(long shift, long dim) => Roll([shift], [dim]);

    /// <summary>A copy of the flattened tensor circularly shifted by <paramref name="shift"/>, in the original shape.</summary>
    public Tensor Roll(long shift) => Roll([shift], []);

    /// <summary>A copy circularly shifted by <c>shifts[i]</c> along <c>dims[i]</c> for each i.</summary>
    public unsafe Tensor Roll(ReadOnlySpan<long> shifts, ReadOnlySpan<long> dims)
    {
        fixed (long* s = shifts)
        fixed (long* d = dims)
        {
            return Wrap(ats_roll(Handle, s, shifts.Length, d, dims.Length, out var r), r);
        }
    }

    // ---- indexing (copies) ---------------------------------------------------------------------------------------

    /// <summary>
    /// The entries of <paramref name="dim"/> listed by the 1-D integer <paramref name="index"/> (a copy; the size of
    /// <paramref name="dim"/> becomes <c>index.NumElements</c>).
    /// </summary>
    public Tensor IndexSelect(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(ats_index_select(Handle, dim, index.Handle, out var r), r);
    }

    /// <summary>
    /// <c>out[i][j] = this[index[i][j]][j]</c> for dim 0 (and likewise for other dims): an int64 <paramref name="index"/>
    /// with this tensor's rank picks along <paramref name="dim"/>; the result has the index's shape (a copy).
    /// </summary>
    public Tensor Gather(long dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(ats_gather(Handle, dim, index.Handle, out var r), r);
    }

    /// <summary>
    /// A copy with <c>copy[index[i][j]][j] = src[i][j]</c> for dim 0 (the inverse of <see cref="Gather"/>); with
    /// duplicate indices the written value is unspecified.
    /// </summary>
    public Tensor Scatter(long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        return Wrap(ats_scatter(Handle, dim, index.Handle, source.Handle, false, out var r), r);
    }

    /// <summary>A copy with <paramref name="value"/> written at every position <paramref name="index"/> selects along <paramref name="dim"/>.</summary>
    public Tensor Scatter(long dim, Tensor index, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Wrap(ats_scatter_value(Handle, dim, index.Handle, value.Native, out var r), r);
    }

    /// <summary>In place: <c>this[index[i][j]][j] = src[i][j]</c> for dim 0. Returns this tensor.</summary>
    public Tensor ScatterInPlace(long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        Check(ats_scatter_(Handle, dim, index.Handle, source.Handle, false));
        return this;
    }

    /// <summary>In place: writes <paramref name="value"/> at every position <paramref name="index"/> selects. Returns this tensor.</summary>
    public Tensor ScatterInPlace(long dim, Tensor index, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(index);
        Check(ats_scatter_value_(Handle, dim, index.Handle, value.Native));
        return this;
    }

    /// <summary>A copy with <c>copy[index[i][j]][j] += src[i][j]</c> for dim 0 (duplicate indices accumulate).</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        return Wrap(ats_scatter(Handle, dim, index.Handle, source.Handle, true, out var r), r);
    }

    /// <summary>In place: <c>this[index[i][j]][j] += src[i][j]</c> for dim 0 (duplicate indices accumulate). Returns this tensor.</summary>
    public Tensor ScatterAddInPlace(long dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        Check(ats_scatter_(Handle, dim, index.Handle, source.Handle, true));
        return this;
    }

    /// <summary>The elements where the bool <paramref name="mask"/> (broadcast to this shape) is true, as a 1-D copy in row-major order.</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Wrap(ats_masked_select(Handle, mask.Handle, out var r), r);
    }

    /// <summary>
    /// PyTorch's <c>this[indices]</c> (a copy): an integer tensor picks entries of dim 0 (result shape
    /// <c>indices.Shape + Shape[1..]</c>); a bool tensor masks the leading <c>indices.Dim</c> dims (result shape
    /// <c>[count] + remaining dims</c>). Negative integer indices count from the end.
    /// </summary>
    public Tensor Index(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Wrap(ats_index(Handle, indices.Handle, out var r), r);
    }

    /// <summary>
    /// In place: PyTorch's <c>this[indices] = values</c> (or <c>+=</c> with <paramref name="accumulate"/>, which sums
    /// duplicate indices), <paramref name="indices"/> as in <see cref="Index"/>; <paramref name="values"/> broadcasts.
    /// Returns this tensor.
    /// </summary>
    public Tensor IndexPutInPlace(Tensor indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        Check(ats_index_put_(Handle, indices.Handle, values.Handle, accumulate));
        return this;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>Size of <paramref name="dim"/>, or -1 when out of range (libtorch then reports the error).</summary>
    private long SizeOrNegative(long dim)
    {
        var s = Shape;
        long d = dim < 0 ? dim + s.Length : dim;
        return d >= 0 && d < s.Length ? s[d] : -1;
    }
}
