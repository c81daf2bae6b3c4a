using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the reductions-and-activations section of ats.h.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static unsafe partial int ats_reduce(int op, TensorHandle a, long* dims, long ndims, [MarshalAs(UnmanagedType.U1)] bool keepdim, int dtype, out IntPtr result);
}
