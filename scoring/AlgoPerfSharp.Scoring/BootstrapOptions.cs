namespace AlgoPerfSharp.Scoring;

/// <summary>Settings of <see cref="ScoreBootstrap"/>: how many replicates, which seed, which coverage.</summary>
/// <remarks>Immutable and thread-safe. The same options and the same trials give bit-identical intervals.</remarks>
public sealed record BootstrapOptions
{
    /// <summary>The defaults: 2000 replicates, seed <see cref="DefaultSeed"/>, 95 % intervals.</summary>
    public static BootstrapOptions Default { get; } = new();

    /// <summary>The default seed (fixed, so every leaderboard of the same trials prints the same intervals).</summary>
    public const ulong DefaultSeed = 20261206;

    /// <summary>Creates options.</summary>
    /// <param name="replicates">B, the number of bootstrap replicates; 1 ≤ B ≤ 1,000,000.</param>
    /// <param name="seed">Seed of the SplitMix64 stream every resample is drawn from.</param>
    /// <param name="confidence">Coverage of the two-sided percentile intervals, in (0, 1); 0.95 gives the 2.5th and
    /// 97.5th percentiles. The significance rule uses the same level: P(A faster than B) ≥ (1 + confidence)/2 or
    /// ≤ (1 − confidence)/2.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public BootstrapOptions(int replicates = 2000, ulong seed = DefaultSeed, double confidence = 0.95)
    {
        if (replicates is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"replicates must be in [1, 1000000], got {replicates}.", nameof(replicates));
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentException($"confidence must be in (0, 1), got {confidence}.", nameof(confidence));
        }

        Replicates = replicates;
        Seed = seed;
        Confidence = confidence;
    }

    /// <summary>B, the number of bootstrap replicates.</summary>
    public int Replicates { get; }

    /// <summary>Seed of the resampling stream.</summary>
    public ulong Seed { get; }

    /// <summary>Coverage of the intervals (0.95 = 95 %).</summary>
    public double Confidence { get; }

    /// <summary>Lower percentile of the intervals, in percent: 100·(1 − confidence)/2 (2.5 for 95 %).</summary>
    public double LowerPercentile => 50 - (50 * Confidence);

    /// <summary>Upper percentile of the intervals, in percent: 100·(1 + confidence)/2 (97.5 for 95 %).</summary>
    public double UpperPercentile => 50 + (50 * Confidence);
}
