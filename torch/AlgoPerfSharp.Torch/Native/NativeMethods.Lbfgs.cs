using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the L-BFGS section of ats.h (ops_lbfgs.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int ats_lbfgs_dots(
        IntPtr* vectors, long* counts, long nVectors, long* segments, long nSegments, long* pairs, long nPairs, double* results);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_lbfgs_combine(
        IntPtr* vectors, long* counts, long nVectors, long* segments, long nSegments, double* coefficients, IntPtr* outputs, long nOutputs);
}
