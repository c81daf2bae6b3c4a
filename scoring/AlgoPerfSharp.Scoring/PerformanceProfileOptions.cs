namespace AlgoPerfSharp.Scoring;

/// <summary>Parameters of the performance profile; the defaults are AlgoPerf's leaderboard settings.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PerformanceProfileOptions
{
    /// <summary>AlgoPerf's settings: r_max = 4, 100 linear points.</summary>
    public static PerformanceProfileOptions AlgoPerf { get; } = new();

    /// <summary>Creates options.</summary>
    /// <param name="maxRatio">r_max: times above <c>maxRatio ×</c> the fastest get no credit, and τ ∈ [1, maxRatio]. Finite, &gt; 1.</param>
    /// <param name="points">Number of linearly spaced τ points (≥ 2).</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public PerformanceProfileOptions(double maxRatio = 4.0, int points = 100)
    {
        if (!double.IsFinite(maxRatio) || maxRatio <= 1)
        {
            throw new ArgumentException($"maxRatio must be finite and > 1, got {maxRatio}.", nameof(maxRatio));
        }

        if (points < 2)
        {
            throw new ArgumentException($"points must be ≥ 2, got {points}.", nameof(points));
        }

        MaxRatio = maxRatio;
        Points = points;
    }

    /// <summary>r_max (AlgoPerf: 4).</summary>
    public double MaxRatio { get; }

    /// <summary>Number of τ points (AlgoPerf: 100).</summary>
    public int Points { get; }
}
