namespace AlgoPerfSharp.Torch.Native;

/// <summary>
/// Raw handles of a list of tensors for a native call that takes <c>const ats_tensor*</c>. Each handle is AddRef'd
/// for the lifetime of this object so a concurrent Dispose cannot free it mid-call. Use with <c>using</c>.
/// </summary>
internal readonly struct HandleArray : IDisposable
{
    private readonly SafeHandleRefs _refs;

    internal HandleArray(ReadOnlySpan<Tensor> tensors)
    {
        _refs = new SafeHandleRefs(tensors.Length);
        for (int i = 0; i < tensors.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i], "tensors[" + i + "]");
            _refs.Add(tensors[i].Handle);
        }
    }

    internal HandleArray(IReadOnlyList<Tensor> tensors)
    {
        _refs = new SafeHandleRefs(tensors.Count);
        for (int i = 0; i < tensors.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i], "tensors[" + i + "]");
            _refs.Add(tensors[i].Handle);
        }
    }

    /// <summary>The raw handles, valid until <see cref="Dispose"/>.</summary>
    internal IntPtr[] Pointers => _refs.Pointers;

    internal int Length => _refs.Count;

    public void Dispose() => _refs.Release();

    private sealed class SafeHandleRefs
    {
        private readonly TensorHandle[] _handles;

        internal SafeHandleRefs(int capacity)
        {
            _handles = new TensorHandle[capacity];
            Pointers = new IntPtr[capacity];
        }

        internal IntPtr[] Pointers { get; }

        internal int Count { get; private set; }

        internal void Add(TensorHandle h)
        {
            bool added = false;
            h.DangerousAddRef(ref added); // throws ObjectDisposedException for a disposed tensor
            _handles[Count] = h;
            Pointers[Count] = h.DangerousGetHandle();
            Count++;
        }

        internal void Release()
        {
            for (int i = 0; i < Count; i++) _handles[i].DangerousRelease();
            Count = 0;
        }
    }
}
