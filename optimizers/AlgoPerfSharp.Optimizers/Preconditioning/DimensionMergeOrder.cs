namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// Which end Shampoo's <c>merge_small_dims</c> scans from when it merges adjacent dims whose product stays within the
/// block size. The reference changed it: facebookresearch/optimizers' 2024 code merged from the first dim, its later
/// code from the last. The results differ, e.g. (2, 3, 4, 5) with a maximum of 12 becomes (2, 12, 5) from the last
/// and (6, 4, 5) from the first.
/// </summary>
public enum DimensionMergeOrder
{
    /// <summary>Scan from the last dim towards the first (facebookresearch's later code; the default here).</summary>
    FromLast,

    /// <summary>Scan from the first dim towards the last (facebookresearch's 2024 code).</summary>
    FromFirst,
}
