namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Kendall's rank correlation τ-b between two rankings of the same items — how well two leaderboards agree.
/// </summary>
/// <remarks>
/// Over all n(n − 1)/2 pairs of items: C pairs ordered the same way by both, D ordered oppositely; a pair tied in
/// either ranking counts in neither. τ-b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n − 1)/2, n₁ (n₂) = pairs tied in
/// the first (second) ranking — Kendall's 1945 tie correction, as <c>scipy.stats.kendalltau</c>'s default. Without
/// ties it is (C − D)/n₀: 1 for identical orders, −1 for reversed ones. It is NaN when either ranking ties every pair
/// (no order to agree with). Only the order of the values matters, so pass scores (or ranks) for both sides — not a
/// score for one and a rank for the other, which flips the sign. ∞ is a value like any other (two ∞ tie); NaN is
/// rejected. Pure and thread-safe.
/// </remarks>
public static class KendallTau
{
    /// <summary>τ-b between the paired values <paramref name="x"/>[i] and <paramref name="y"/>[i].</summary>
    /// <exception cref="ArgumentException">The lists differ in length, hold fewer than two items, or contain NaN.</exception>
    public static double TauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"The rankings pair {x.Count} with {y.Count} items; they must rank the same items.", nameof(y));
        }

        if (x.Count < 2)
        {
            throw new ArgumentException($"τ needs at least two items, got {x.Count}.", nameof(x));
        }

        if (x.Any(double.IsNaN) || y.Any(double.IsNaN))
        {
            throw new ArgumentException("A ranking value is NaN.", double.IsNaN(x.FirstOrDefault(double.IsNaN)) ? nameof(x) : nameof(y));
        }

        long concordant = 0, discordant = 0, tiedX = 0, tiedY = 0;
        var n = x.Count;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                int dx = x[i].CompareTo(x[j]), dy = y[i].CompareTo(y[j]);
                tiedX += dx == 0 ? 1 : 0;
                tiedY += dy == 0 ? 1 : 0;
                if (dx != 0 && dy != 0)
                {
                    if (dx == dy)
                    {
                        concordant++;
                    }
                    else
                    {
                        discordant++;
                    }
                }
            }
        }

        var pairs = (long)n * (n - 1) / 2;
        var denominator = Math.Sqrt((double)(pairs - tiedX) * (pairs - tiedY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    /// <summary>
    /// τ-b between two leaderboards given as name → score (or name → rank), over the names both contain.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two names in common, or a NaN value.</exception>
    public static double TauB(IReadOnlyDictionary<string, double> first, IReadOnlyDictionary<string, double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var common = first.Keys.Where(second.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (common.Count < 2)
        {
            throw new ArgumentException(
                $"The rankings have {common.Count} item(s) in common; τ needs at least two.", nameof(second));
        }

        return TauB(common.Select(k => first[k]).ToList(), common.Select(k => second[k]).ToList());
    }
}
