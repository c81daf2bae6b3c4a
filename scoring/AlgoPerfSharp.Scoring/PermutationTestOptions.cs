namespace AlgoPerfSharp.Scoring;

/// <summary>Settings of <see cref="PairPermutationTest"/>.</summary>
/// <remarks>Immutable and thread-safe. The same options and the same trials give the same p-values.</remarks>
public sealed record PermutationTestOptions
{
    /// <summary>The defaults: exact up to 1,000,000 relabellings per cell (10 studies against 10), else 10,000 sampled;
    /// seed 20261206; 95 %.</summary>
    public static PermutationTestOptions Default { get; } = new();

    /// <summary>Creates options.</summary>
    /// <param name="exactLimit">Enumerate every relabelling when no cell of the pair has more than this many (1 … 10⁸).</param>
    /// <param name="samples">M, the relabellings drawn when there are more (1 … 10⁷). The smallest sampled p is 1/(M + 1).</param>
    /// <param name="seed">Seed of the SplitMix64 stream the sampled relabellings are drawn from.</param>
    /// <param name="confidence">1 − α, the family-wise level over all pairs, in (0, 1); 0.95 flags a pair when its
    /// Holm-adjusted p ≤ 0.05.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public PermutationTestOptions(int exactLimit = 1_000_000, int samples = 10_000, ulong seed = BootstrapOptions.DefaultSeed, double confidence = 0.95)
    {
        if (exactLimit is < 1 or > 100_000_000)
        {
            throw new ArgumentException($"exactLimit must be in [1, 100000000], got {exactLimit}.", nameof(exactLimit));
        }

        if (samples is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"samples must be in [1, 10000000], got {samples}.", nameof(samples));
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentException($"confidence must be in (0, 1), got {confidence}.", nameof(confidence));
        }

        ExactLimit = exactLimit;
        Samples = samples;
        Seed = seed;
        Confidence = confidence;
    }

    /// <summary>The most relabellings of one cell enumerated exactly.</summary>
    public int ExactLimit { get; }

    /// <summary>M, the relabellings sampled above <see cref="ExactLimit"/>.</summary>
    public int Samples { get; }

    /// <summary>Seed of the sampling stream.</summary>
    public ulong Seed { get; }

    /// <summary>1 − α.</summary>
    public double Confidence { get; }

    /// <summary>α = 1 − <see cref="Confidence"/>, the family-wise error level.</summary>
    public double Alpha => Math.Round(1 - Confidence, 12);
}
