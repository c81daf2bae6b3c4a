using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>
/// The raw pointer of an optional handle (NULL when absent) for native parameters that accept NULL, which the
/// SafeHandle marshaller cannot express. AddRefs the handle until disposed, so a disposed tensor throws
/// <see cref="ObjectDisposedException"/> and a live one cannot be freed mid-call. Use with <c>using</c>.
/// </summary>
internal readonly ref struct OptionalHandle
{
    private readonly SafeHandle? _handle;

    internal OptionalHandle(SafeHandle? handle)
    {
        if (handle is null)
        {
            _handle = null;
            Ptr = IntPtr.Zero;
            return;
        }

        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Ptr = handle.DangerousGetHandle();
    }

    internal OptionalHandle(Tensor? tensor)
        : this(tensor?.Handle)
    {
    }

    internal OptionalHandle(Generator? generator)
        : this(generator?.Handle)
    {
    }

    /// <summary>The raw handle, or <see cref="IntPtr.Zero"/>.</summary>
    internal IntPtr Ptr { get; }

    public void Dispose() => _handle?.DangerousRelease();
}
