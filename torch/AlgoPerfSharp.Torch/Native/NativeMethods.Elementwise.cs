using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the fused elementwise steps of ats.h (ops_elementwise.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int ats_schedule_free_step_(
        IntPtr* parameters, IntPtr* grads, IntPtr* zs, IntPtr* xs, IntPtr* vs, long n, double decay, [MarshalAs(UnmanagedType.U1)] bool hasDecay,
        double beta1, double beta2, double eps, double gamma, double c);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_lerp_into_(IntPtr* outs, IntPtr* starts, IntPtr* ends, long n, double weight);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_sophia_step_(
        IntPtr* parameters, IntPtr* grads, IntPtr* momenta, IntPtr* hessians, long n, double* weightDecays, double* scales,
        double beta1, double rho, double eps, [MarshalAs(UnmanagedType.U1)] bool decay, [MarshalAs(UnmanagedType.U1)] bool apply);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_ema_many_(IntPtr* targets, IntPtr* sources, long n, double beta, double weight, [MarshalAs(UnmanagedType.U1)] bool square);
}
