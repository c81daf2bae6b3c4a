using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declaration of ats.h's symmetric rank-k update (ops_syrk.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int ats_syrk_(TensorHandle self, TensorHandle a, double beta, double alpha);

    [LibraryImport(Lib)] internal static unsafe partial int ats_syrk_many_(IntPtr* selfs, IntPtr* factors, long n, double* betas, double* alphas);
}
