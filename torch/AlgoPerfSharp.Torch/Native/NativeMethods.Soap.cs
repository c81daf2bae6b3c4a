using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the soap section of ats.h (the batched eigenbasis refresh).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int ats_soap_refresh_(IntPtr* accumulators, IntPtr* bases, long n, long* orders, int* status);
}
