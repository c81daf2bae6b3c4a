using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

public sealed partial class Tensor
{
    /// <summary>An uninitialised tensor.</summary>
    public static unsafe Tensor Empty(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* p = shape) return Wrap(ats_empty(p, shape.Length, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>A tensor of zeros.</summary>
    public static unsafe Tensor Zeros(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* p = shape) return Wrap(ats_zeros(p, shape.Length, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>A tensor of ones.</summary>
    public static unsafe Tensor Ones(ReadOnlySpan<long> shape, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* p = shape) return Wrap(ats_ones(p, shape.Length, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static unsafe Tensor Full(ReadOnlySpan<long> shape, Scalar value, DType dtype = DType.Float32, Device device = default)
    {
        fixed (long* p = shape) return Wrap(ats_full(p, shape.Length, value.Native, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>Zeros with this tensor's shape, dtype and device.</summary>
    public Tensor ZerosLike() => Zeros(Shape, DType, Device);

    /// <summary>Ones with this tensor's shape, dtype and device.</summary>
    public Tensor OnesLike() => Ones(Shape, DType, Device);

    /// <summary>Values start, start+step, ... below end (PyTorch's arange).</summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar step, DType dtype = DType.Int64, Device device = default) =>
        Wrap(ats_arange(start.Native, end.Native, step.Native, (int)dtype, device.NativeCode, out var r), r);

    /// <summary>0, 1, ..., end-1.</summary>
    public static Tensor Arange(long end, DType dtype = DType.Int64, Device device = default) => Arange(0L, end, 1L, dtype, device);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device device = default) =>
        Wrap(ats_linspace(start, end, steps, (int)dtype, device.NativeCode, out var r), r);

    /// <summary>The n×m identity (m defaults to n).</summary>
    public static Tensor Eye(long n, long m = -1, DType dtype = DType.Float32, Device device = default) =>
        Wrap(ats_eye(n, m < 0 ? n : m, (int)dtype, device.NativeCode, out var r), r);

    /// <summary>Uniform samples in [0, 1) from <paramref name="generator"/> (libtorch's default generator when null).</summary>
    public static unsafe Tensor Rand(ReadOnlySpan<long> shape, Generator? generator = null, DType dtype = DType.Float32, Device device = default)
    {
        using var g = new OptionalHandle(generator);
        fixed (long* p = shape) return Wrap(ats_rand(p, shape.Length, g.Ptr, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>Standard normal samples.</summary>
    public static unsafe Tensor RandN(ReadOnlySpan<long> shape, Generator? generator = null, DType dtype = DType.Float32, Device device = default)
    {
        using var g = new OptionalHandle(generator);
        fixed (long* p = shape) return Wrap(ats_randn(p, shape.Length, g.Ptr, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static unsafe Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, Generator? generator = null, DType dtype = DType.Int64, Device device = default)
    {
        using var g = new OptionalHandle(generator);
        fixed (long* p = shape) return Wrap(ats_randint(low, high, p, shape.Length, g.Ptr, (int)dtype, device.NativeCode, out var r), r);
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor RandPerm(long n, Generator? generator = null, DType dtype = DType.Int64, Device device = default)
    {
        using var g = new OptionalHandle(generator);
        return Wrap(ats_randperm(n, g.Ptr, (int)dtype, device.NativeCode, out var r), r);
    }
}
