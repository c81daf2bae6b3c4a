using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the bench section of ats.h (fused optimizer kernels).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int ats_fused_adam_(
        IntPtr* parameters, IntPtr* grads, IntPtr* expAvgs, IntPtr* expAvgSqs, long n, double lr, double beta1, double beta2,
        double eps, double weightDecay, double bc1, double bc2Sqrt, [MarshalAs(UnmanagedType.U1)] bool nesterov, [MarshalAs(UnmanagedType.U1)] bool apply);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_all_finite(IntPtr* xs, long n, [MarshalAs(UnmanagedType.U1)] out bool result);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_fused_momentum_(
        IntPtr* parameters, IntPtr* grads, IntPtr* buffers, long n, double* weightDecays, double* scales, double momentum,
        [MarshalAs(UnmanagedType.U1)] bool nesterov, [MarshalAs(UnmanagedType.U1)] bool decay, [MarshalAs(UnmanagedType.U1)] bool apply);

    [LibraryImport(Lib)]
    internal static partial int ats_second_moment_divide_(TensorHandle d, TensorHandle r, TensorHandle x, double beta2, double weight, double eps);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_ec_directions_(
        IntPtr* filtered, IntPtr* raw, IntPtr* secondMoments, IntPtr* left, IntPtr* right, long n, double* beta2, double* weight, double* eps, IntPtr* results);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_lerp_many_(IntPtr* moments, IntPtr* targets, long n, double* weights);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_apply_directions_(IntPtr* parameters, IntPtr* directions, long n, double* before, double* alpha, double* after);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_sum_squares(IntPtr* xs, long n, double* results);

    [LibraryImport(Lib)]
    internal static partial int ats_dasgo_direction_(
        TensorHandle grad, TensorHandle momentum, TensorHandle statistic, double momentumWeight, double statisticWeight, double eps, out IntPtr direction, out double sumSquares);

    [LibraryImport(Lib)]
    internal static unsafe partial int ats_cross_fit_adam_(
        TensorHandle update, TensorHandle expAvg, TensorHandle expAvgSq, IntPtr* sample, long nSample, double beta1, double beta2, double eps, double bc1, double bc2,
        [MarshalAs(UnmanagedType.U1)] bool correction);
}
