namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>
/// Where <see cref="MatrixFunction.InverseRoots"/> runs each of a step's eighs: dealt to one of the intra-op threads
/// (all threads in one parallel region, each running its matrices with single-threaded LAPACK and BLAS), or alone with
/// every thread on it. An eigh is a tridiagonal reduction of hundreds of small BLAS calls; with two or more threads each
/// call opens a parallel region and, with a passive OpenMP wait policy, wakes a sleeping thread, which for sides up to a
/// few hundred costs more than the arithmetic it shares. So a matrix below <see cref="DefaultAloneSide"/> is always
/// dealt, even when the bins come out unequal (ResNet's 9 … 128 sides, or one 300 beside a few small ones); only a
/// matrix at least that large, and too large to share (the bins do not balance with it), runs alone — w1024's single
/// 1024 × 1024 statistic, as before. A pure function of the sides: no tensors, no clocks.
/// </summary>
public static class InverseRootSchedule
{
    /// <summary>The plan entry of a matrix that runs alone, with every intra-op thread.</summary>
    public const int Alone = -1;

    /// <summary>
    /// The smallest side that may run alone: below it multi-threaded LAPACK is not worth its thread wake-ups (a 128 × 128
    /// QR took 1.9 ms on two threads and 0.3 ms on one on the benchmark VM; see benchmarks/README.md).
    /// </summary>
    public const long DefaultAloneSide = 512;

    /// <summary>How far above the fair share (total cost / threads) the fullest bin may be and still count as balanced.</summary>
    public const double DefaultSlack = 1.15;

    /// <summary>The cost model of an eigh of side d: d³ (+ 1, so that empty matrices still count).</summary>
    public static double Cost(long side) => (double)side * side * side + 1;

    /// <summary>
    /// The plan: per matrix its bin in [0, <paramref name="threads"/>) or <see cref="Alone"/>. Matrices are dealt largest
    /// first (cost <see cref="Cost"/>, ties in input order), each to the least loaded bin (the lowest index among equals).
    /// While the fullest bin exceeds <paramref name="slack"/> times the fair share and the largest remaining matrix has a
    /// side ≥ <paramref name="aloneSide"/>, that matrix runs alone and the rest are dealt again. With fewer than two
    /// threads every matrix runs alone (there is nothing to deal to).
    /// </summary>
    /// <param name="sides">Each matrix's side (rows of a square matrix), ≥ 0.</param>
    /// <param name="threads">The intra-op threads, ≥ 1.</param>
    /// <param name="aloneSide">The smallest side that may run alone, ≥ 1.</param>
    /// <param name="slack">The balance tolerance, ≥ 1.</param>
    /// <exception cref="ArgumentException">A side is negative, or <paramref name="slack"/> is below 1 or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> or <paramref name="aloneSide"/> is below 1.</exception>
    public static int[] Plan(IReadOnlyList<long> sides, int threads, long aloneSide = DefaultAloneSide, double slack = DefaultSlack)
    {
        ArgumentNullException.ThrowIfNull(sides);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(aloneSide, 1L);
        if (!(slack >= 1) || double.IsInfinity(slack)) throw new ArgumentException($"slack must be finite and ≥ 1 (got {slack})", nameof(slack));
        for (int i = 0; i < sides.Count; i++)
        {
            if (sides[i] < 0) throw new ArgumentException($"sides[{i}] = {sides[i]} is negative", nameof(sides));
        }

        var plan = new int[sides.Count];
        Array.Fill(plan, Alone);
        if (threads < 2 || sides.Count == 0) return plan;

        // Largest first; OrderByDescending is stable, so equal costs keep their input order.
        int[] order = Enumerable.Range(0, sides.Count).OrderByDescending(i => Cost(sides[i])).ToArray();
        for (int first = 0; first < order.Length; first++)
        {
            int[] bins = Deal(order.AsSpan(first), sides, threads, out double fullest, out double total);
            if (fullest <= slack * total / threads || sides[order[first]] < aloneSide)
            {
                for (int k = first; k < order.Length; k++) plan[order[k]] = bins[k - first];
                break;
            }

            // Otherwise the largest left is too large to share: it stays Alone, and the rest are dealt again.
        }

        return plan;
    }

    // Longest processing time first: each matrix of `order` (largest first) to the least loaded bin. Returns each one's bin.
    private static int[] Deal(ReadOnlySpan<int> order, IReadOnlyList<long> sides, int threads, out double fullest, out double total)
    {
        var load = new double[threads];
        var bin = new int[order.Length];
        total = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int b = 0;
            for (int j = 1; j < threads; j++)
            {
                if (load[j] < load[b]) b = j;
            }

            double c = Cost(sides[order[k]]);
            load[b] += c;
            total += c;
            bin[k] = b;
        }

        fullest = load.Max();
        return bin;
    }
}
