using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the random in-place section of ats.h (generator may be NULL).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int ats_uniform_(TensorHandle a, double from, double to, IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_normal_(TensorHandle a, double mean, double std, IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_bernoulli_(TensorHandle a, double p, IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_bernoulli(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool hasP, double p, IntPtr gen, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_exponential_(TensorHandle a, double lambd, IntPtr gen);
}
