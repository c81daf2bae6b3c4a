using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>
/// The pointer arguments of one native call over lists: raw tensor handles, copies of per-tensor numbers and zeroed
/// result slots, all carved from this thread's reusable unmanaged buffer (no allocation per call once it has grown to
/// fit). Each tensor's handle is AddRef'd until <see cref="Dispose"/>, so a concurrent Dispose of the tensor cannot
/// free it mid-call. Use with <c>using</c>; every pointer is valid until <see cref="Dispose"/>. An empty list gives a
/// null pointer, as <c>fixed</c> on an empty array does.
/// </summary>
internal readonly unsafe ref struct NativeArgs
{
    private readonly Arena _arena;
    private readonly long _usedMark;
    private readonly int _refsMark;

    private NativeArgs(Arena arena)
    {
        _arena = arena;
        (_usedMark, _refsMark) = arena.Enter();
    }

    /// <summary>Starts the arguments of one call (calls may nest: an inner call takes the buffer after the outer's).</summary>
    internal static NativeArgs Begin() => new(Arena.Current);

    /// <summary>The raw handles of <paramref name="tensors"/>; a null element throws <see cref="ArgumentNullException"/> (<c>tensors[i]</c>), a disposed one <see cref="ObjectDisposedException"/>.</summary>
    internal IntPtr* Handles(IReadOnlyList<Tensor> tensors)
    {
        if (tensors is Tensor[] array) return Handles(array.AsSpan());
        int n = tensors.Count;
        if (n == 0) return null;
        var p = (IntPtr*)_arena.Take(n, sizeof(IntPtr));
        for (int i = 0; i < n; i++) p[i] = _arena.AddRef(tensors[i], i);
        return p;
    }

    /// <inheritdoc cref="Handles(IReadOnlyList{Tensor})"/>
    internal IntPtr* Handles(ReadOnlySpan<Tensor> tensors)
    {
        if (tensors.IsEmpty) return null;
        var p = (IntPtr*)_arena.Take(tensors.Length, sizeof(IntPtr));
        for (int i = 0; i < tensors.Length; i++) p[i] = _arena.AddRef(tensors[i], i);
        return p;
    }

    /// <summary>
    /// The raw handles of every tensor of every list, concatenated (a null element is <c>tensors[k]</c>, k its index in
    /// the concatenation), and each list's count in <paramref name="counts"/>.
    /// </summary>
    internal IntPtr* Handles(IReadOnlyList<IReadOnlyList<Tensor>> lists, out long* counts, [CallerArgumentExpression(nameof(lists))] string name = "")
    {
        counts = Output<long>(lists.Count);
        long total = 0;
        for (int i = 0; i < lists.Count; i++)
        {
            if (lists[i] is null) throw new ArgumentNullException($"{name}[{i}]");
            total += counts[i] = lists[i].Count;
        }

        if (total == 0) return null;
        var p = (IntPtr*)_arena.Take(total, sizeof(IntPtr));
        int k = 0;
        for (int i = 0; i < lists.Count; i++)
        {
            var list = lists[i];
            for (int j = 0; j < list.Count; j++, k++) p[k] = _arena.AddRef(list[j], k);
        }

        return p;
    }

    /// <summary>A copy of <paramref name="values"/> (per-tensor numbers: doubles, ints, longs).</summary>
    internal T* Copy<T>(IReadOnlyList<T> values)
        where T : unmanaged
    {
        int n = values.Count;
        if (n == 0) return null;
        var p = (T*)_arena.Take(n, sizeof(T));
        switch (values)
        {
            case T[] array:
                array.AsSpan().CopyTo(new Span<T>(p, n));
                break;
            case List<T> list:
                CollectionsMarshal.AsSpan(list).CopyTo(new Span<T>(p, n));
                break;
            default:
                for (int i = 0; i < n; i++) p[i] = values[i];
                break;
        }

        return p;
    }

    /// <summary><paramref name="values"/> as native scalars (one per tensor).</summary>
    internal NativeScalar* Scalars(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return null;
        var p = (NativeScalar*)_arena.Take(values.Length, sizeof(NativeScalar));
        for (int i = 0; i < values.Length; i++) p[i] = ((Scalar)values[i]).Native;
        return p;
    }

    /// <summary><paramref name="count"/> zeroed slots for the native call to fill (result handles, status codes).</summary>
    internal T* Output<T>(long count)
        where T : unmanaged
    {
        if (count == 0) return null;
        var p = _arena.Take(count, sizeof(T));
        NativeMemory.Clear(p, (nuint)(count * sizeof(T)));
        return (T*)p;
    }

    /// <summary>Releases the handles taken since <see cref="Begin"/> and gives the buffer back.</summary>
    public void Dispose() => _arena?.Leave(_usedMark, _refsMark);

    /// <summary>
    /// One thread's buffer: a block reused by every call (and nested calls) on the thread, extra blocks when a call
    /// outgrows it (freed, and the block grown to fit, when the outermost call ends), and the AddRef'd handles.
    /// </summary>
    private sealed class Arena
    {
        private const long MinBlock = 4096;
        private const long MaxKeptBlock = 1 << 20; // a call needing more mallocs its extra and frees it again

        [ThreadStatic]
        private static Arena? t_current;

        private byte* _block;
        private long _capacity;
        private long _used;
        private List<IntPtr>? _extra;
        private long _extraBytes;
        private TensorHandle?[] _refs = new TensorHandle?[64];
        private int _refCount;
        private int _depth;

        ~Arena() // the thread has ended
        {
            FreeExtra();
            NativeMemory.Free(_block);
        }

        internal static Arena Current => t_current ??= new Arena();

        internal (long Used, int Refs) Enter()
        {
            _depth++;
            return (_used, _refCount);
        }

        internal void Leave(long usedMark, int refsMark)
        {
            for (int i = refsMark; i < _refCount; i++)
            {
                _refs[i]!.DangerousRelease();
                _refs[i] = null;
            }

            _refCount = refsMark;
            _used = usedMark;
            if (--_depth == 0 && _extra is not null) Regrow();
        }

        /// <summary>count·size bytes, 8-byte aligned.</summary>
        internal void* Take(long count, int size)
        {
            long bytes = (checked(count * size) + 7) & ~7L;
            if (_capacity - _used >= bytes)
            {
                var p = _block + _used;
                _used += bytes;
                return p;
            }

            var extra = NativeMemory.Alloc((nuint)bytes);
            (_extra ??= []).Add((IntPtr)extra);
            _extraBytes += bytes;
            return extra;
        }

        internal IntPtr AddRef(Tensor? tensor, int index)
        {
            if (tensor is null) ThrowNullElement(index);
            if (_refCount == _refs.Length) Array.Resize(ref _refs, 2 * _refs.Length);
            var handle = tensor.Handle;
            bool added = false;
            handle.DangerousAddRef(ref added); // throws ObjectDisposedException for a disposed tensor
            _refs[_refCount++] = handle;
            return handle.DangerousGetHandle();
        }

        [DoesNotReturn]
        private static void ThrowNullElement(int index) => throw new ArgumentNullException($"tensors[{index}]");

        /// <summary>Frees the extra blocks and grows the block to what the call needed (no pointer into it is live).</summary>
        private void Regrow()
        {
            long need = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(MinBlock, _capacity + _extraBytes));
            FreeExtra();
            if (need > MaxKeptBlock) return;
            NativeMemory.Free(_block);
            _block = null;
            _capacity = 0;
            _block = (byte*)NativeMemory.Alloc((nuint)need);
            _capacity = need;
        }

        private void FreeExtra()
        {
            if (_extra is null) return;
            foreach (var p in _extra) NativeMemory.Free((void*)p);
            _extra = null;
            _extraBytes = 0;
        }
    }
}
