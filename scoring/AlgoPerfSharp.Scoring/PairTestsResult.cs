namespace AlgoPerfSharp.Scoring;

/// <summary>The output of <see cref="PairPermutationTest.Run"/>: every pair's test and the significant differences.</summary>
/// <param name="Options">Limits, seed and level used.</param>
/// <param name="Pairs">One test per unordered pair, ordered by first then second submission (ordinal).</param>
/// <param name="MinStudies">The fewest studies in any (submission, workload) cell.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PairTestsResult(PermutationTestOptions Options, IReadOnlyList<PairTest> Pairs, int MinStudies)
{
    /// <summary>True when every cell has ≥ 2 studies; with one study in a cell no difference is called significant.</summary>
    public bool IsReplicated => MinStudies >= 2;

    /// <summary>The test of <paramref name="a"/> and <paramref name="b"/> (either order).</summary>
    /// <exception cref="KeyNotFoundException">The pair was not tested.</exception>
    public PairTest this[string a, string b] =>
        Pairs.FirstOrDefault(p => (p.First == a && p.Second == b) || (p.First == b && p.Second == a))
        ?? throw new KeyNotFoundException($"The pair ({a}, {b}) was not tested.");

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> differ significantly: replicated cells, Holm-adjusted
    /// p ≤ α, and the observed scores ordered as the statistic says (the faster studies also score higher).</summary>
    public bool IsSignificant(string a, string b)
    {
        var t = this[a, b];
        return IsReplicated && t.AdjustedPValue <= Options.Alpha + 1e-12
            && ((t.Statistic > 0 && t.ScoreDifference > 0) || (t.Statistic < 0 && t.ScoreDifference < 0));
    }

    /// <summary>Every significant pair once, the better (faster, higher-scoring) first, ordered by adjusted p then names.</summary>
    public IReadOnlyList<SignificantDifference> SignificantDifferences =>
        Pairs.Where(p => IsSignificant(p.First, p.Second))
            .Select(p => p.ScoreDifference > 0
                ? new SignificantDifference(p.First, p.Second, p.PValue, p.AdjustedPValue)
                : new SignificantDifference(p.Second, p.First, p.PValue, p.AdjustedPValue))
            .OrderBy(d => d.AdjustedPValue).ThenBy(d => d.Better, StringComparer.Ordinal).ThenBy(d => d.Worse, StringComparer.Ordinal)
            .ToList().AsReadOnly();
}
