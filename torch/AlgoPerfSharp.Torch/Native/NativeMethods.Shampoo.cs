using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the shampoo section of ats.h (fused matrix products).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int ats_addmm_(TensorHandle self, TensorHandle a, TensorHandle b, double beta, double alpha);
    [LibraryImport(Lib)] internal static partial int ats_mm_out(TensorHandle output, TensorHandle a, TensorHandle b);
}
