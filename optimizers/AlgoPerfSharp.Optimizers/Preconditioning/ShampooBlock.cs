using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>One block of a merged parameter: offset and length per dim, and a factor per preconditioned dim (null = none).</summary>
internal sealed class ShampooBlock(long[] offsets, long[] sizes, long[] fullShape, KroneckerFactor?[] factors)
{
    public long[] Offsets { get; } = offsets;

    public long[] Sizes { get; } = sizes;

    public KroneckerFactor?[] Factors { get; } = factors;

    /// <summary>True when the block covers the whole merged tensor (no views needed).</summary>
    public bool IsWhole { get; } = sizes.AsSpan().SequenceEqual(fullShape);

    /// <summary>The block's view of a merged-shape tensor (writes go through); the tensor itself when whole.</summary>
    public Tensor Of(Tensor merged)
    {
        if (IsWhole) return merged;
        var cur = merged;
        for (int d = 0; d < Sizes.Length; d++)
        {
            if (Sizes[d] != merged.Shape[d]) cur = cur.Narrow(d, Offsets[d], Sizes[d]);
        }

        return cur;
    }
}
