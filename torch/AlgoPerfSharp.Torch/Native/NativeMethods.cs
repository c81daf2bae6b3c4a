using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>
/// P/Invoke declarations for the core sections of <c>torch/native/include/ats.h</c>. Other areas live in
/// <c>NativeMethods.&lt;Area&gt;.cs</c>. Every call returns a status that <see cref="Check"/> turns into a
/// <see cref="TorchException"/>.
/// </summary>
internal static partial class NativeMethods
{
    internal const string Lib = "ats";

    /// <summary>Throws <see cref="TorchException"/> with libtorch's message when <paramref name="status"/> is non-zero.</summary>
    [System.Diagnostics.StackTraceHidden]
    internal static void Check(int status)
    {
        if (status != 0)
        {
            Throw(status);
        }
    }

    [System.Diagnostics.StackTraceHidden]
    private static void Throw(int status)
    {
        string message = Marshal.PtrToStringUTF8(ats_last_error()) ?? "(no message)";
        throw new TorchException(message, status);
    }

    [LibraryImport(Lib)] internal static partial IntPtr ats_last_error();
    [LibraryImport(Lib)] internal static partial int ats_abi_version();
    [LibraryImport(Lib)] internal static unsafe partial int ats_runtime_info(byte* buf, long bufLen, out long needed);
    [LibraryImport(Lib)] internal static partial int ats_set_num_threads(int n);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int ats_profile_begin(string path, out nint profile);

    [LibraryImport(Lib)] internal static partial int ats_profile_end(nint profile);

    [LibraryImport(Lib)] internal static partial int ats_set_fused_kernels([MarshalAs(UnmanagedType.U1)] bool on);
    [LibraryImport(Lib)] internal static partial int ats_set_twice_differentiable([MarshalAs(UnmanagedType.U1)] bool on, [MarshalAs(UnmanagedType.U1)] out bool previous);

    [LibraryImport(Lib)] internal static partial int ats_tune_malloc(int mmapThreshold, int trimThreshold, int topPad, out int applied);
    [LibraryImport(Lib)] internal static partial int ats_get_num_threads(out int n);
    [LibraryImport(Lib)] internal static partial long ats_live_tensors();
    [LibraryImport(Lib)] internal static partial int ats_cuda_device_count(out int n);
    [LibraryImport(Lib)] internal static partial int ats_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int ats_grad_enabled([MarshalAs(UnmanagedType.U1)] out bool enabled);
    [LibraryImport(Lib)] internal static partial int ats_set_grad_enabled([MarshalAs(UnmanagedType.U1)] bool enabled, [MarshalAs(UnmanagedType.U1)] out bool previous);

    // generator
    [LibraryImport(Lib)] internal static partial int ats_generator_new(ulong seed, int device, out IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_generator_free(IntPtr gen);
    [LibraryImport(Lib)] internal static partial int ats_generator_set_seed(GeneratorHandle gen, ulong seed);
    [LibraryImport(Lib)] internal static partial int ats_generator_get_state(GeneratorHandle gen, out IntPtr state);
    [LibraryImport(Lib)] internal static partial int ats_generator_set_state(GeneratorHandle gen, TensorHandle state);

    // tensor core
    [LibraryImport(Lib)] internal static partial int ats_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial int ats_tensor_dim(TensorHandle t, out long dim);
    [LibraryImport(Lib)] internal static unsafe partial int ats_tensor_sizes(TensorHandle t, long* sizes, long cap);
    [LibraryImport(Lib)] internal static unsafe partial int ats_tensor_strides(TensorHandle t, long* strides, long cap);
    [LibraryImport(Lib)] internal static partial int ats_tensor_numel(TensorHandle t, out long numel);
    [LibraryImport(Lib)] internal static partial int ats_tensor_dtype(TensorHandle t, out int dtype);
    [LibraryImport(Lib)] internal static partial int ats_tensor_device(TensorHandle t, out int device);
    [LibraryImport(Lib)] internal static partial int ats_tensor_is_contiguous(TensorHandle t, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_requires_grad(TensorHandle t, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_set_requires_grad(TensorHandle t, [MarshalAs(UnmanagedType.U1)] bool value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_is_leaf(TensorHandle t, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_item_double(TensorHandle t, out double value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_item_int64(TensorHandle t, out long value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_alias(TensorHandle t, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_tensor_same(TensorHandle a, TensorHandle b, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Lib)] internal static partial int ats_tensor_set_data(TensorHandle t, TensorHandle data);

    // creation
    [LibraryImport(Lib)] internal static unsafe partial int ats_empty(long* shape, long ndim, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_zeros(long* shape, long ndim, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_ones(long* shape, long ndim, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_full(long* shape, long ndim, NativeScalar value, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_arange(NativeScalar start, NativeScalar end, NativeScalar step, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_linspace(double start, double end, long steps, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_eye(long n, long m, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_rand(long* shape, long ndim, IntPtr gen, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_randn(long* shape, long ndim, IntPtr gen, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_randint(long low, long high, long* shape, long ndim, IntPtr gen, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_randperm(long n, IntPtr gen, int dtype, int device, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_from_data(void* data, long nbytes, long* shape, long ndim, int dtype, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_copy_to(TensorHandle t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static partial int ats_to(TensorHandle t, int dtype, int device, [MarshalAs(UnmanagedType.U1)] bool copy, out IntPtr result);

    // elementwise
    [LibraryImport(Lib)] internal static partial int ats_unary(int op, TensorHandle a, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_unary_(int op, TensorHandle a);
    [LibraryImport(Lib)] internal static partial int ats_binary(int op, TensorHandle a, TensorHandle b, NativeScalar alpha, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_binary_(int op, TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial int ats_binary_scalar(int op, TensorHandle a, NativeScalar b, NativeScalar alpha, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_binary_scalar_(int op, TensorHandle a, NativeScalar b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial int ats_scalar_binary(int op, NativeScalar a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_addcmul(TensorHandle a, TensorHandle t1, TensorHandle t2, NativeScalar value, [MarshalAs(UnmanagedType.U1)] bool div, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_addcmul_(TensorHandle a, TensorHandle t1, TensorHandle t2, NativeScalar value, [MarshalAs(UnmanagedType.U1)] bool div);
    [LibraryImport(Lib)] internal static partial int ats_lerp(TensorHandle a, TensorHandle b, IntPtr w, NativeScalar weight, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_lerp_(TensorHandle a, TensorHandle b, IntPtr w, NativeScalar weight);
    [LibraryImport(Lib)] internal static partial int ats_clamp(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool hasMin, NativeScalar min, [MarshalAs(UnmanagedType.U1)] bool hasMax, NativeScalar max, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_clamp_(TensorHandle a, [MarshalAs(UnmanagedType.U1)] bool hasMin, NativeScalar min, [MarshalAs(UnmanagedType.U1)] bool hasMax, NativeScalar max);
    [LibraryImport(Lib)] internal static partial int ats_where(TensorHandle cond, TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_masked_fill(TensorHandle a, TensorHandle mask, NativeScalar value, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_masked_fill_(TensorHandle a, TensorHandle mask, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int ats_fill_(TensorHandle a, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int ats_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Lib)] internal static partial int ats_tril(TensorHandle a, long diagonal, [MarshalAs(UnmanagedType.U1)] bool upper, out IntPtr result);

    // matmul
    [LibraryImport(Lib)] internal static partial int ats_matmul(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_mm(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_bmm(TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial int ats_einsum(string equation, IntPtr* operands, long n, out IntPtr result);

    // autograd
    [LibraryImport(Lib)] internal static partial int ats_backward(TensorHandle t, IntPtr grad, [MarshalAs(UnmanagedType.U1)] bool retainGraph);
    [LibraryImport(Lib)] internal static partial int ats_tensor_grad(TensorHandle t, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ats_tensor_set_grad(TensorHandle t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial int ats_detach(TensorHandle t, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ats_autograd_grad(IntPtr* outputs, IntPtr* gradOutputs, long nOutputs, IntPtr* inputs, long nInputs, [MarshalAs(UnmanagedType.U1)] bool retainGraph, [MarshalAs(UnmanagedType.U1)] bool createGraph, [MarshalAs(UnmanagedType.U1)] bool allowUnused, IntPtr* result, long cap, out long count);
}
