using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the linear-algebra section of ats.h.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int ats_linalg_eigh(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool upper, out IntPtr eigenvalues, out IntPtr eigenvectors);
    [LibraryImport(Lib)] internal static partial int ats_linalg_eigvalsh(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool upper, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linalg_qr(TensorHandle a, int mode, out IntPtr q, out IntPtr r);
    [LibraryImport(Lib)] internal static partial int ats_linalg_cholesky(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool upper, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linalg_cholesky_ex(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool upper, out IntPtr factor, out IntPtr info);
    [LibraryImport(Lib)] internal static partial int ats_linalg_solve(TensorHandle a, TensorHandle b, [MarshalAs(UnmanagedType.U1)] bool left, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linalg_solve_triangular(TensorHandle a, TensorHandle b, [MarshalAs(UnmanagedType.U1)] bool upper, [MarshalAs(UnmanagedType.U1)] bool left, [MarshalAs(UnmanagedType.U1)] bool unitriangular, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linalg_inv(TensorHandle a, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linalg_svd(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool fullMatrices, out IntPtr u, out IntPtr s, out IntPtr vh);
    [LibraryImport(Lib)] internal static partial int ats_linalg_svdvals(TensorHandle a, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linalg_det(TensorHandle a, out IntPtr result);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int ats_linalg_matrix_norm(TensorHandle a, string? ordName, double ord, long dim0, long dim1, [MarshalAs(UnmanagedType.U1)] bool keepdim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_linalg_vector_norm(TensorHandle a, double ord, long* dims, long ndims, [MarshalAs(UnmanagedType.U1)] bool keepdim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_diag(TensorHandle a, long diagonal, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_diag_embed(TensorHandle a, long offset, long dim1, long dim2, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_diagonal(TensorHandle a, long offset, long dim1, long dim2, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_trace(TensorHandle a, out IntPtr result);
}
