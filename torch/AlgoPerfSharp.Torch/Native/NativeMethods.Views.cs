using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the views-and-indexing section of ats.h.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static unsafe partial int ats_reshape(TensorHandle a, long* shape, long ndim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_view(TensorHandle a, long* shape, long ndim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_permute(TensorHandle a, long* dims, long ndim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_transpose(TensorHandle a, long dim0, long dim1, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_t(TensorHandle a, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_narrow(TensorHandle a, long dim, long start, long length, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_slice(TensorHandle a, long dim, [MarshalAs(UnmanagedType.U1)] bool hasStart, long start, [MarshalAs(UnmanagedType.U1)] bool hasEnd, long end, long step, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_select(TensorHandle a, long dim, long index, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_index_select(TensorHandle a, long dim, TensorHandle index, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_gather(TensorHandle a, long dim, TensorHandle index, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_scatter(TensorHandle a, long dim, TensorHandle index, TensorHandle src, [MarshalAs(UnmanagedType.U1)] bool add, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_scatter_(TensorHandle a, long dim, TensorHandle index, TensorHandle src, [MarshalAs(UnmanagedType.U1)] bool add);
    [LibraryImport(Lib)] internal static partial int ats_scatter_value(TensorHandle a, long dim, TensorHandle index, NativeScalar value, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_scatter_value_(TensorHandle a, long dim, TensorHandle index, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int ats_squeeze(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool hasDim, long dim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_unsqueeze(TensorHandle a, long dim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_flatten(TensorHandle a, long startDim, long endDim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_unflatten(TensorHandle a, long dim, long* sizes, long nsizes, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_expand(TensorHandle a, long* shape, long ndim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_expand_as(TensorHandle a, TensorHandle other, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_contiguous(TensorHandle a, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ats_contiguous_format(TensorHandle a, int format, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_chunk(TensorHandle a, long chunks, long dim, IntPtr* results, long cap, out long n);
    [LibraryImport(Lib)] internal static unsafe partial int ats_split(TensorHandle a, long splitSize, long dim, IntPtr* results, long cap, out long n);
    [LibraryImport(Lib)] internal static unsafe partial int ats_split_sizes(TensorHandle a, long* sizes, long nsizes, long dim, IntPtr* results, long cap, out long n);
    [LibraryImport(Lib)] internal static unsafe partial int ats_unbind(TensorHandle a, long dim, IntPtr* results, long cap, out long n);
    [LibraryImport(Lib)] internal static unsafe partial int ats_cat(IntPtr* tensors, long n, long dim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_stack(IntPtr* tensors, long n, long dim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_repeat(TensorHandle a, long* repeats, long nrepeats, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_flip(TensorHandle a, long* dims, long ndims, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_roll(TensorHandle a, long* shifts, long nshifts, long* dims, long ndims, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_masked_select(TensorHandle a, TensorHandle mask, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_index(TensorHandle a, TensorHandle index, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_index_put_(TensorHandle a, TensorHandle index, TensorHandle values, [MarshalAs(UnmanagedType.U1)] bool accumulate);
}
