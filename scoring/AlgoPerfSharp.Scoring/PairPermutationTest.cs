namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Which pairs of submissions differ significantly: for every pair, an exact stratified permutation test over the
/// pair's studies (a van Elteren-style rank test: workloads are the strata), then Holm's step-down correction over all
/// pairs.
/// </summary>
/// <remarks>
/// <para><b>Why not the bootstrap.</b> <see cref="ScoreBootstrap"/> gives intervals and P(A scores higher than B), but
/// with 3–5 studies per cell a percentile bootstrap is too narrow: when A's three studies all beat B's three, every
/// replicate ranks A first and P = 1, although two equal algorithms produce that ordering with probability 1/10 per
/// cell (either way round). A permutation test gets such probabilities exactly.</para>
/// <para><b>Null hypothesis.</b> In every workload cell (base and held-out variants), A's and B's per-study times come
/// from one distribution, so the labels "A" and "B" on the pooled n_A + n_B studies are exchangeable, cell by cell.
/// Cells where only one of the pair has studies do not enter.</para>
/// <para><b>Statistic.</b> Per cell, θ = (1/(n_A n_B)) Σᵢ Σⱼ ([aᵢ &lt; bⱼ] + ½ [aᵢ = bⱼ]) − ½ ∈ [−½, ½]: how much more
/// often than not a study of A reached the target sooner than a study of B (∞ = never; two ∞ tie). T = Σ θ over the
/// cells; T &gt; 0 means A is faster. Ranks, not the score, because the score saturates: a submission more than r_max ×
/// slower than the fastest gets 0 whichever studies it is given, so a score difference cannot tell "all of A's studies
/// beat all of B's" from a random split. The two-sided p-value is P(|T*| ≥ |T|) over the relabellings.</para>
/// <para><b>Exact or sampled.</b> When every cell has at most <see cref="PermutationTestOptions.ExactLimit"/>
/// relabellings (C(n_A + n_B, n_A): 20 with 3 studies each, 252 with 5), each cell's distribution of θ is enumerated and
/// the cells' distributions are convolved: p is exact. Otherwise M = <see cref="PermutationTestOptions.Samples"/>
/// relabellings are drawn uniformly (each cell independently, by a partial Fisher–Yates shuffle from one SplitMix64
/// stream seeded with <see cref="PermutationTestOptions.Seed"/>) and p = (1 + #extreme) / (1 + M), never 0.</para>
/// <para><b>Multiplicity.</b> With k submissions there are m = k(k − 1)/2 pairs; Holm's adjusted p-values
/// (p₍ᵢ₎ sorted ascending, adj₍ᵢ₎ = maxⱼ≤ᵢ min(1, (m − j + 1) p₍ⱼ₎)) keep the chance of flagging any pair of equal
/// submissions at most α = 1 − <see cref="PermutationTestOptions.Confidence"/>.</para>
/// <para><b>Significant</b> means: adjusted p ≤ α, and the observed scores are ordered the way T says (the one whose
/// studies are faster also scores higher); a pair whose ranks and scores disagree is never called significant.</para>
/// Pure and thread-safe; deterministic given the times and the options.
/// </remarks>
public static class PairPermutationTest
{
    private const double Tolerance = 1e-9;

    /// <summary>Tests every pair of the submissions of <paramref name="result"/>.</summary>
    /// <param name="result">The output of <see cref="BenchmarkScoring.Score"/>.</param>
    /// <param name="options">Limits, seed and level; <see cref="PermutationTestOptions.Default"/> when null.</param>
    public static PairTestsResult Run(BenchmarkScoringResult result, PermutationTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= PermutationTestOptions.Default;
        var scores = result.Profile.Submissions.ToDictionary(p => p.Submission, p => p.Score, StringComparer.Ordinal);
        var studies = result.Times.ToDictionary(t => (t.Submission, t.Workload), t => t.StudySeconds.ToArray());
        var minStudies = studies.Count == 0 ? 0 : studies.Values.Min(s => s.Length);
        var ordered = scores.Keys.Order(StringComparer.Ordinal).ToArray();

        var rng = new SplitMix64(options.Seed);
        var raw = new List<(string A, string B, double T, double P, double Relabellings, bool Exact)>();
        for (var i = 0; i < ordered.Length; i++)
        {
            for (var j = i + 1; j < ordered.Length; j++)
            {
                string a = ordered[i], b = ordered[j];
                var cells = result.Specs
                    .Where(s => studies.ContainsKey((a, s.Name)) && studies.ContainsKey((b, s.Name)))
                    .Select(s => (A: studies[(a, s.Name)], B: studies[(b, s.Name)]))
                    .ToArray();
                var t = cells.Sum(c => Theta(c.A, c.B));
                var (p, count, exact) = Test(cells, Math.Abs(t), options, ref rng);
                raw.Add((a, b, t, p, count, exact));
            }
        }

        var adjusted = Holm(raw.Select(r => r.P).ToArray());
        var pairs = raw.Select((r, k) => new PairTest(
            r.A, r.B, scores[r.A] - scores[r.B], r.T, r.P, adjusted[k], r.Relabellings, r.Exact)).ToList();
        return new PairTestsResult(options, pairs.AsReadOnly(), minStudies);
    }

    /// <summary>
    /// θ of one cell: the fraction of (A study, B study) pairs in which A's time is smaller, ties counting ½, minus ½.
    /// </summary>
    public static double Theta(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("Both sides of a cell need at least one study.");
        var wins = 0.0;
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                wins += x < y ? 1 : x == y ? 0.5 : 0;
            }
        }

        return (wins / (a.Count * b.Count)) - 0.5;
    }

    /// <summary>
    /// Holm's step-down adjusted p-values of <paramref name="p"/>, in the input order: sorted ascending,
    /// adj₍ᵢ₎ = maxⱼ≤ᵢ min(1, (m − j + 1) p₍ⱼ₎) (ties keep input order).
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var m = p.Count;
        var order = Enumerable.Range(0, m).OrderBy(k => p[k]).ThenBy(k => k).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var k = order[rank];
            running = Math.Max(running, Math.Min(1.0, (m - rank) * p[k]));
            adjusted[k] = running;
        }

        return adjusted;
    }

    private static (double P, double Count, bool Exact) Test(
        (double[] A, double[] B)[] cells, double observed, PermutationTestOptions options, ref SplitMix64 rng)
    {
        if (cells.All(c => Binomial(c.A.Length + c.B.Length, c.A.Length) <= options.ExactLimit))
        {
            // Exact: each cell's distribution of θ over its relabellings, convolved across cells (keys rounded so that
            // equal sums of fractions meet).
            var dist = new Dictionary<long, double> { [0] = 1.0 };
            var total = 1.0;
            foreach (var (a, b) in cells)
            {
                var cell = CellDistribution(a, b);
                total *= cell.Values.Sum();
                var next = new Dictionary<long, double>();
                foreach (var (t, w) in dist)
                {
                    foreach (var (u, v) in cell)
                    {
                        next[t + u] = next.GetValueOrDefault(t + u) + (w * v);
                    }
                }

                dist = next;
            }

            var extreme = dist.Where(kv => Math.Abs(kv.Key / Scale) >= observed - Tolerance).Sum(kv => kv.Value);
            return (extreme / total, total, true);
        }

        var hits = 0;
        for (var s = 0; s < options.Samples; s++)
        {
            var t = 0.0;
            foreach (var (a, b) in cells)
            {
                t += Draw(a, b, ref rng);
            }

            if (Math.Abs(t) >= observed - Tolerance) hits++;
        }

        return ((1.0 + hits) / (1.0 + options.Samples), options.Samples, false);
    }

    // θ values are multiples of 1/(2 n_A n_B); sums are keyed as integers of this scale (exact for the counts here).
    private const double Scale = 1e9;

    private static Dictionary<long, double> CellDistribution(double[] a, double[] b)
    {
        double[] pool = [.. a, .. b];
        int n = pool.Length, k = a.Length;
        var tally = new Dictionary<long, double>();
        var pick = new int[k];
        var inA = new bool[n];
        var left = new double[k];
        var right = new double[n - k];
        void Choose(int start, int depth)
        {
            if (depth == k)
            {
                Array.Clear(inA);
                foreach (var i in pick) inA[i] = true;
                int l = 0, r = 0;
                for (var i = 0; i < n; i++)
                {
                    if (inA[i]) left[l++] = pool[i];
                    else right[r++] = pool[i];
                }

                var key = (long)Math.Round(Theta(left, right) * Scale);
                tally[key] = tally.GetValueOrDefault(key) + 1;
                return;
            }

            for (var i = start; i <= n - (k - depth); i++)
            {
                pick[depth] = i;
                Choose(i + 1, depth + 1);
            }
        }

        Choose(0, 0);
        return tally;
    }

    /// <summary>θ of a uniformly random relabelling (partial Fisher–Yates: the first n_A of the shuffle go to A).</summary>
    private static double Draw(double[] a, double[] b, ref SplitMix64 rng)
    {
        double[] pool = [.. a, .. b];
        for (var i = 0; i < a.Length; i++)
        {
            var j = i + rng.NextIndex(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }

        return Theta(pool[..a.Length], pool[a.Length..]);
    }

    private static double Binomial(int n, int k)
    {
        var r = 1.0;
        for (var i = 1; i <= k; i++)
        {
            r = r * (n - k + i) / i;
        }

        return Math.Round(r);
    }
}
