namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>The Criteo display-ads layout: 13 integer (dense) features and 26 categorical features per example.</summary>
public static class ClickLogSchema
{
    /// <summary>Dense (count) features per example.</summary>
    public const int DenseFeatures = 13;

    /// <summary>Categorical features per example.</summary>
    public const int CategoricalFeatures = 26;

    /// <summary>
    /// The raw vocabulary size of each categorical feature in Criteo 1TB, as AlgoPerf's <c>criteo1tb</c> input
    /// pipeline lists them; presets cap them (<see cref="TableSizes"/>).
    /// </summary>
    public static IReadOnlyList<long> CriteoVocabSizes { get; } =
    [
        39884406, 39043, 17289, 7420, 20263, 3, 7120, 1543, 63, 38532951, 2953546, 403346, 10, 2208, 11938, 155, 4, 976,
        14, 39979771, 25641295, 39664984, 585935, 12972, 108, 36,
    ];

    /// <summary>Criteo's vocabulary sizes capped at <paramref name="cap"/> rows (a table keeps its size when smaller).</summary>
    public static long[] TableSizes(long cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 2);
        return CriteoVocabSizes.Select(v => Math.Min(v, cap)).ToArray();
    }
}
