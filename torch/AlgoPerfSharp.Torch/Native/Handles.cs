using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>Owns one <c>ats_tensor</c>. Released exactly once, by <see cref="Tensor.Dispose"/> or the finalizer.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal TensorHandle(IntPtr raw)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(raw);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => NativeMethods.ats_tensor_free(handle) == 0;
}

/// <summary>Owns one <c>ats_generator</c>.</summary>
internal sealed class GeneratorHandle : SafeHandle
{
    public GeneratorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal GeneratorHandle(IntPtr raw)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(raw);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => NativeMethods.ats_generator_free(handle) == 0;
}
