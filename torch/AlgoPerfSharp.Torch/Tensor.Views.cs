using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

public sealed partial class Tensor
{
    /// <summary>The same elements with a new shape (a view when possible). One dim may be -1 (inferred).</summary>
    public unsafe Tensor Reshape(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(ats_reshape(Handle, p, shape.Length, out var r), r);
    }
}
