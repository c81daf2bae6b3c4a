using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the muon section of ats.h (batched Newton–Schulz).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int ats_newton_schulz_(IntPtr* xs, long n, long steps, double a, double b, double c, double eps, int dtype, double scale);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_newton_schulz_many_(IntPtr* xs, double* scales, long n, long steps, double a, double b, double c, double eps, int dtype);

    [LibraryImport(Lib)]
    internal static partial int ats_cpu_has_native_bf16([MarshalAs(UnmanagedType.U1)] out bool result);
}
