using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the views-and-indexing section of ats.h.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static unsafe partial int ats_reshape(TensorHandle a, long* shape, long ndim, out IntPtr result);
}
