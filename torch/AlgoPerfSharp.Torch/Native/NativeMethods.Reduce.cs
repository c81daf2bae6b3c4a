using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the reductions-and-activations section of ats.h.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static unsafe partial int ats_reduce(int op, TensorHandle a, long* dims, long ndims, [MarshalAs(UnmanagedType.U1)] bool keepdim, int dtype, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_var(TensorHandle a, long* dims, long ndims, long correction, [MarshalAs(UnmanagedType.U1)] bool keepdim, [MarshalAs(UnmanagedType.U1)] bool stddev, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_max_dim(TensorHandle a, long dim, [MarshalAs(UnmanagedType.U1)] bool keepdim, [MarshalAs(UnmanagedType.U1)] bool min, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int ats_argmax(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool hasDim, long dim, [MarshalAs(UnmanagedType.U1)] bool keepdim, [MarshalAs(UnmanagedType.U1)] bool min, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_norm(TensorHandle a, double p, long* dims, long ndims, [MarshalAs(UnmanagedType.U1)] bool keepdim, int dtype, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_cumulative(int op, TensorHandle a, long dim, int dtype, out IntPtr result);
}
