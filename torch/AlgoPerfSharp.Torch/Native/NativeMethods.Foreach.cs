using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the foreach section of ats.h (lists are <c>const ats_tensor*</c> + count).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_unary(int op, IntPtr* xs, long n, IntPtr* result, long cap, out long count);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_unary_(int op, IntPtr* xs, long n);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_binary(int op, IntPtr* xs, IntPtr* ys, long n, NativeScalar alpha, IntPtr* result, long cap, out long count);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_binary_(int op, IntPtr* xs, IntPtr* ys, long n, NativeScalar alpha);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_binary_scalar(int op, IntPtr* xs, long n, NativeScalar s, IntPtr* result, long cap, out long count);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_binary_scalar_(int op, IntPtr* xs, long n, NativeScalar s);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_binary_scalars(int op, IntPtr* xs, long n, NativeScalar* s, IntPtr* result, long cap, out long count);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_binary_scalars_(int op, IntPtr* xs, long n, NativeScalar* s);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_addcmul_(IntPtr* self, IntPtr* t1, IntPtr* t2, long n, NativeScalar value, [MarshalAs(UnmanagedType.U1)] bool div);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_addcmul_scalars_(IntPtr* self, IntPtr* t1, IntPtr* t2, long n, NativeScalar* values, [MarshalAs(UnmanagedType.U1)] bool div);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_lerp_(IntPtr* self, IntPtr* ends, long n, NativeScalar weight);
    [LibraryImport(Lib)] internal static unsafe partial int ats_foreach_norm(IntPtr* xs, long n, NativeScalar ord, IntPtr* result, long cap, out long count);
}
