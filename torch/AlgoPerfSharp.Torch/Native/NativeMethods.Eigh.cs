using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the eigh-refresh section of ats.h (eigenvalue-corrected Shampoo's batched refresh).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int ats_eigh_refresh_(IntPtr* accumulators, IntPtr* bases, long n, double* divisors, double* eps, int* status);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_inverse_roots_dealt(IntPtr* matrices, long n, double root, double* eps, IntPtr* results, int* status);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_inverse_roots_planned(IntPtr* matrices, long n, double root, double* eps, int* plan, int bins, IntPtr* results, int* status);
}
