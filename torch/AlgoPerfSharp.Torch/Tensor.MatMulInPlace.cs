using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Fused, allocation-free matrix products (used by matrix preconditioners on their hot path).</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// this ← β·this + α·(a·b), in place, for 2-D tensors (<paramref name="a"/>/<paramref name="b"/> may be transposed
    /// views; no copy is made). Returns this.
    /// </summary>
    public Tensor AddMmInPlace(Tensor a, Tensor b, double beta = 1, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Check(ats_addmm_(Handle, a.Handle, b.Handle, beta, alpha));
        return this;
    }

    /// <summary>this ← a·b for 2-D tensors, written into this tensor's storage (which must not alias a or b). Returns this.</summary>
    public Tensor MmInto(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Check(ats_mm_out(Handle, a.Handle, b.Handle));
        return this;
    }
}
