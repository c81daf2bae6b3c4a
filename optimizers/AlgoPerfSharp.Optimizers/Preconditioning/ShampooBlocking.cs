namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// How a parameter's shape becomes preconditioned blocks (facebookresearch <c>merge_small_dims</c> and
/// <c>multi_dim_split</c>, optimizers.md §2.2). Pure functions of shapes.
/// </summary>
public static class ShampooBlocking
{
    /// <summary>
    /// Squeezes size-1 dims (a 0-D or all-ones shape becomes (1)), then merges adjacent dims, scanning from the end
    /// <paramref name="order"/> names, while the product stays ≤ <paramref name="maxDim"/>: (1, 2, 5, 1) with 10 → (10);
    /// (32, 3, 64, 64) with 8192 → (96, 4096); (2, 3, 4, 5) with 12 → (2, 12, 5) from the last, (6, 4, 5) from the first.
    /// An empty tensor (a zero dim) becomes (0).
    /// </summary>
    public static long[] MergeDims(IReadOnlyList<long> shape, long maxDim, DimensionMergeOrder order = DimensionMergeOrder.FromLast)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d == 0)) return [0];
        var squeezed = shape.Where(d => d != 1).ToList();
        if (squeezed.Count == 0) return [1];
        bool fromLast = order == DimensionMergeOrder.FromLast;
        if (fromLast) squeezed.Reverse();
        var merged = new List<long>();
        long current = squeezed[0];
        foreach (long d in squeezed.Skip(1))
        {
            if (d * current <= maxDim)
            {
                current *= d;
            }
            else
            {
                merged.Add(current);
                current = d;
            }
        }

        merged.Add(current);
        if (fromLast) merged.Reverse();
        return [.. merged];
    }

    /// <summary>Cuts a dim of size <paramref name="size"/> into chunks of <paramref name="blockSize"/> (the last one smaller): (offset, length) pairs.</summary>
    public static IReadOnlyList<(long Offset, long Length)> Split(long size, long blockSize)
    {
        if (blockSize < 1) throw new ArgumentException($"block size must be ≥ 1 (got {blockSize})", nameof(blockSize));
        var r = new List<(long, long)>();
        for (long o = 0; o < size; o += blockSize) r.Add((o, Math.Min(blockSize, size - o)));
        if (r.Count == 0) r.Add((0, 0));
        return r;
    }
}
