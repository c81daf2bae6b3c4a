using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>P/Invoke declarations of the nn-functional-and-losses section of ats.h (<c>ats_nn_*</c>).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int ats_nn_linear(TensorHandle x, TensorHandle w, IntPtr b, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_nn_conv2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long* padding, long* dilation, long groups, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_batch_norm(TensorHandle x, IntPtr w, IntPtr b, IntPtr runningMean, IntPtr runningVar, [MarshalAs(UnmanagedType.U1)] bool training, double momentum, double eps, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_nn_layer_norm(TensorHandle x, long* normalizedShape, long ndim, IntPtr w, IntPtr b, double eps, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_embedding(TensorHandle w, TensorHandle idx, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_dropout(TensorHandle x, double p, [MarshalAs(UnmanagedType.U1)] bool training, IntPtr gen, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_nn_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, [MarshalAs(UnmanagedType.U1)] bool ceilMode, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_nn_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, [MarshalAs(UnmanagedType.U1)] bool ceilMode, [MarshalAs(UnmanagedType.U1)] bool countIncludePad, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_nn_adaptive_avg_pool2d(TensorHandle x, long* outputSize, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_attention(TensorHandle q, TensorHandle k, TensorHandle v, [MarshalAs(UnmanagedType.U1)] bool causal, double scale, [MarshalAs(UnmanagedType.U1)] bool allowFused, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ats_nn_attention_packed(TensorHandle qkv, [MarshalAs(UnmanagedType.U1)] bool causal, double scale, [MarshalAs(UnmanagedType.U1)] bool allowFused, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ats_nn_attention_fused_available([MarshalAs(UnmanagedType.U1)] out bool available);

    [LibraryImport(Lib)] internal static partial int ats_nn_rms_norm(TensorHandle x, IntPtr w, double eps, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ats_nn_rope(TensorHandle x, TensorHandle cos, TensorHandle sin, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ats_nn_softmax(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_log_softmax(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_cross_entropy(TensorHandle logits, TensorHandle target, IntPtr weight, int reduction, long ignoreIndex, double labelSmoothing, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_mse_loss(TensorHandle x, TensorHandle target, int reduction, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_nll_loss(TensorHandle logProbs, TensorHandle target, IntPtr weight, int reduction, long ignoreIndex, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_nn_init_uniform_(TensorHandle t, double low, double high, IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_nn_init_normal_(TensorHandle t, double mean, double std, IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_nn_init_trunc_normal_(TensorHandle t, double mean, double std, double a, double b, IntPtr gen);
}
