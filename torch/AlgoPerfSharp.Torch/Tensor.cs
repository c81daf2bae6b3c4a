using System.Runtime.InteropServices;
using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// A libtorch tensor. Owns one native reference, released by <see cref="Dispose"/> (idempotent), by the enclosing
/// <see cref="DisposeScope"/>, or — as a last resort — by the finalizer. Using a disposed tensor throws
/// <see cref="ObjectDisposedException"/>. Views share storage with their base exactly as in PyTorch.
/// </summary>
/// <remarks>
/// Every op returns a new <see cref="Tensor"/> the caller owns (it joins the current <see cref="DisposeScope"/>).
/// Methods ending in <c>InPlace</c> mutate this tensor and return it. Not thread-safe for concurrent mutation;
/// concurrent reads are as safe as in libtorch.
/// </remarks>
public sealed partial class Tensor : IDisposable
{
    private long[]? _shape;
    private DType? _dtype;

    static Tensor() => TorchRuntime.EnsureInitialized();

    internal Tensor(IntPtr raw)
    {
        Handle = new TensorHandle(raw);
        DisposeScope.Register(this);
    }

    internal TensorHandle Handle { get; }

    internal DisposeScope? Scope { get; set; }

    /// <summary>True once the native reference has been released.</summary>
    public bool IsDisposed => Handle.IsClosed;

    /// <summary>Releases the native reference. Safe to call more than once.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>Wraps a raw result; throws if the native call failed.</summary>
    internal static Tensor Wrap(int status, IntPtr raw)
    {
        Check(status);
        return new Tensor(raw);
    }

    /// <summary>Owns the first <paramref name="n"/> raw handles a native call wrote (a list result).</summary>
    internal static unsafe Tensor[] WrapAll(IntPtr* raw, long n)
    {
        var result = new Tensor[n];
        for (long i = 0; i < n; i++) result[i] = new Tensor(raw[i]);
        return result;
    }

    /// <summary>Wraps a result that may be undefined (NULL) as null.</summary>
    internal static Tensor? WrapOptional(int status, IntPtr raw)
    {
        Check(status);
        return raw == IntPtr.Zero ? null : new Tensor(raw);
    }

    // ---- metadata --------------------------------------------------------------------------------------------

    /// <summary>Number of dimensions.</summary>
    public int Dim => Shape.Length;

    /// <summary>The sizes of each dimension (a cached copy; do not mutate).</summary>
    public unsafe long[] Shape
    {
        get
        {
            if (_shape is null)
            {
                Check(ats_tensor_dim(Handle, out long dim));
                var shape = new long[dim];
                fixed (long* p = shape)
                {
                    Check(ats_tensor_sizes(Handle, p, dim));
                }

                _shape = shape;
            }

            return _shape;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var s = Shape;
        return s[dim < 0 ? dim + s.Length : dim];
    }

    /// <summary>Element strides.</summary>
    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides)
            {
                Check(ats_tensor_strides(Handle, p, strides.Length));
            }

            return strides;
        }
    }

    /// <summary>Total number of elements.</summary>
    public long NumElements
    {
        get
        {
            Check(ats_tensor_numel(Handle, out long n));
            return n;
        }
    }

    /// <summary>Element type.</summary>
    public DType DType
    {
        get
        {
            if (_dtype is null)
            {
                Check(ats_tensor_dtype(Handle, out int d));
                _dtype = (DType)d;
            }

            return _dtype.Value;
        }
    }

    /// <summary>The device holding the data.</summary>
    public Device Device
    {
        get
        {
            Check(ats_tensor_device(Handle, out int d));
            return Device.FromNative(d);
        }
    }

    /// <summary>True when the elements are laid out densely in row-major order.</summary>
    public bool IsContiguous
    {
        get
        {
            Check(ats_tensor_is_contiguous(Handle, out bool v));
            return v;
        }
    }

    /// <summary>True when two handles refer to the same tensor (same TensorImpl).</summary>
    public bool IsSameAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Check(ats_tensor_same(Handle, other.Handle, out bool v));
        return v;
    }

    /// <summary>A new handle to the same tensor (storage and autograd identity shared); the caller owns it.</summary>
    public Tensor Alias() => Wrap(ats_tensor_alias(Handle, out var r), r);

    /// <summary>The single element as a double (the tensor must have exactly one element).</summary>
    public double ToDouble()
    {
        Check(ats_tensor_item_double(Handle, out double v));
        return v;
    }

    /// <summary>The single element as a long.</summary>
    public long ToInt64()
    {
        Check(ats_tensor_item_int64(Handle, out long v));
        return v;
    }

    /// <summary>The single element as a float.</summary>
    public float ToSingle() => (float)ToDouble();

    /// <summary>The single element as a bool.</summary>
    public bool ToBoolean() => ToInt64() != 0;

    // ---- data transfer ---------------------------------------------------------------------------------------

    /// <summary>Copies the elements (row-major) into a new array, converting the dtype to match <typeparamref name="T"/> if needed.</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = new T[NumElements];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, which must have exactly <see cref="NumElements"/> slots.</summary>
    public unsafe void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        var want = DTypeExtensions.Of<T>();
        if (want != DType)
        {
            using var converted = To(want);
            converted.CopyTo(destination);
            return;
        }

        long n = NumElements;
        if (destination.Length != n)
        {
            throw new ArgumentException($"destination has {destination.Length} elements but the tensor has {n}", nameof(destination));
        }

        fixed (T* p = destination)
        {
            Check(ats_copy_to(Handle, p, n * sizeof(T)));
        }
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        long n = 1;
        foreach (long s in shape) n *= s;
        if (n != data.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] needs {n} elements but {data.Length} were given", nameof(data));
        }

        fixed (T* p = data)
        fixed (long* sp = shape)
        {
            return Wrap(ats_from_data(p, (long)data.Length * sizeof(T), sp, shape.Length, (int)DTypeExtensions.Of<T>(), out var r), r);
        }
    }

    /// <summary>A new 1-D CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From<T>(ReadOnlySpan<T> data)
        where T : unmanaged => From(data, [data.Length]);

    /// <summary>A new CPU tensor from a rectangular array.</summary>
    public static Tensor From<T>(T[,] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var span = MemoryMarshal.CreateReadOnlySpan(ref data[0, 0], data.Length);
        return From(span, [data.GetLength(0), data.GetLength(1)]);
    }

    /// <summary>A 0-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device device = default) =>
        Full([], value, dtype, device);

    /// <summary>Converts to another dtype (returns a new tensor; a copy only when needed).</summary>
    public Tensor To(DType dtype) => Wrap(ats_to(Handle, (int)dtype, -2, false, out var r), r);

    /// <summary>Moves to another device.</summary>
    public Tensor To(Device device) => Wrap(ats_to(Handle, -1, device.NativeCode, false, out var r), r);

    /// <summary>Converts dtype and device at once.</summary>
    public Tensor To(DType dtype, Device device) => Wrap(ats_to(Handle, (int)dtype, device.NativeCode, false, out var r), r);

    /// <summary>A copy with its own storage (autograd-tracked, like PyTorch's clone).</summary>
    public Tensor Clone() => Wrap(ats_to(Handle, -1, -2, true, out var r), r);

    /// <summary>
    /// Replaces this tensor's data in place with <paramref name="data"/>'s (libtorch's <c>set_data</c>, PyTorch's
    /// <c>t.data = data</c>): this tensor keeps its identity — every handle to it, <see cref="RequiresGrad"/>,
    /// <see cref="IsLeaf"/> and its <see cref="Grad"/> — and from now on shares <paramref name="data"/>'s storage, strides
    /// and device. Nothing is copied. This is how <see cref="Nn.Module.To(Device)"/> moves parameters between devices.
    /// </summary>
    /// <param name="data">
    /// The new data: the same shape and dtype as this tensor, on any device. Borrowed: the caller still owns (and
    /// disposes) its handle; the storage lives on in this tensor.
    /// </param>
    /// <exception cref="ArgumentException">The shape or dtype differs (handles cache both, so they must not change).</exception>
    /// <exception cref="TorchException">libtorch refused (e.g. a sparse <paramref name="data"/>).</exception>
    public void SetData(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.DType != DType || !data.Shape.AsSpan().SequenceEqual(Shape))
        {
            throw new ArgumentException(
                $"SetData keeps a tensor's shape and dtype: this one is [{string.Join(", ", Shape)}] {DType}, the data [{string.Join(", ", data.Shape)}] {data.DType}; convert it with To() first",
                nameof(data));
        }

        Check(ats_tensor_set_data(Handle, data.Handle));
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        string shape = string.Join(", ", Shape);
        if (NumElements <= 8 && DType != DType.BFloat16)
        {
            var vals = ToArray<double>();
            return $"Tensor([{shape}], {DType}, {Device}) {{{string.Join(", ", vals.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}}}";
        }

        return $"Tensor([{shape}], {DType}, {Device})";
    }
}
