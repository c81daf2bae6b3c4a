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

    /// <summary>
    /// this ← β·this + α·(a·aᵀ), in place: the symmetric rank-k update of an n×n matrix that is symmetric on entry, by an
    /// n×k <paramref name="a"/> (a row- or column-major view is used as it is; another layout is copied). When n or k is
    /// at least 512 and this is a contiguous float32/float64 CPU tensor, BLAS syrk computes one triangle — half the
    /// multiply-adds of <see cref="AddMmInPlace"/> — mirrored so the result is exactly symmetric; otherwise (smaller
    /// products, where syrk is slower) <c>AddMmInPlace(a, a.T(), β, α)</c>. Equal to it up to rounding. Returns this.
    /// </summary>
    public Tensor AddSymmetricRankKInPlace(Tensor a, double beta = 1, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        Check(ats_syrk_(Handle, a.Handle, beta, alpha));
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
