using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of ats.h's embedding-bag and sparse-gradient section (ops_sparse.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int ats_nn_embedding_bag(TensorHandle w, TensorHandle idx, TensorHandle offsets, int mode, [MarshalAs(UnmanagedType.U1)] bool sparse, IntPtr perSampleWeights, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_tensor_is_sparse(TensorHandle t, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Lib)] internal static partial int ats_sparse_to_dense(TensorHandle t, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_sparse_rows(TensorHandle t, out IntPtr rows, out IntPtr values);
    [LibraryImport(Lib)] internal static partial int ats_sparse_from_rows(TensorHandle rows, TensorHandle values, long size, out IntPtr result);
}
