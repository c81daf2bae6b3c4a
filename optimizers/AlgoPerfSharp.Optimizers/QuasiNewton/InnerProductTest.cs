namespace AlgoPerfSharp.Optimizers.QuasiNewton;

/// <summary>
/// The inner-product test of progressive-batching quasi-Newton methods (Bollapragada et al., arXiv 1802.05374; the
/// IPQN test of the authors' code): the sample S is large enough when
/// <code>Var_{i∈S}((H∇Fᵢ)ᵀ(H g_S)) / |S|  ≤  θ²·‖H g_S‖⁴</code>
/// and otherwise grows to ⌈R·|S|⌉ with R the ratio of the two sides. The per-example variance is estimated from G
/// disjoint groups of b = |S|/G examples: their mean gradients g_j have Var_j = Var_i / b, so the left side is
/// Var_j(v_j) / G with v_j = (H g_j)ᵀ(H g_S) = g_jᵀ·H(H g_S) (H is symmetric: one extra two-loop, G dot products).
/// Pure functions of numbers.
/// </summary>
public static class InnerProductTest
{
    /// <summary>
    /// R = Var_j(v) / (G·θ²·‖H g‖⁴) from the G ≥ 2 group values <paramref name="groupProducts"/> (sample variance,
    /// n − 1) and <paramref name="direction2"/> = ‖H g_S‖²; 0 when the direction is 0. R &gt; 1 means grow.
    /// </summary>
    public static double Ratio(IReadOnlyList<double> groupProducts, double direction2, double theta)
    {
        ArgumentNullException.ThrowIfNull(groupProducts);
        if (groupProducts.Count < 2) throw new ArgumentException($"the inner-product test needs at least 2 groups (got {groupProducts.Count})", nameof(groupProducts));
        if (!(theta > 0)) throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta must be > 0");
        if (!(direction2 > 0)) return 0;
        double mean = groupProducts.Average();
        double variance = groupProducts.Sum(v => (v - mean) * (v - mean)) / (groupProducts.Count - 1);
        return variance / (groupProducts.Count * theta * theta * direction2 * direction2);
    }

    /// <summary>
    /// Batches the next sample needs: ⌈R·examples / examplesPerBatch⌉ when R &gt; 1 (never fewer than
    /// <paramref name="batches"/>), capped at <paramref name="maxBatches"/>; otherwise <paramref name="batches"/>.
    /// </summary>
    public static int NextBatches(double ratio, int batches, int examples, int examplesPerBatch, int maxBatches)
    {
        if (!(ratio > 1)) return batches;
        double wanted = Math.Ceiling(ratio * examples / examplesPerBatch);
        return (int)Math.Min(maxBatches, Math.Max(batches, wanted));
    }
}
