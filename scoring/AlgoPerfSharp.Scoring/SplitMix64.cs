namespace AlgoPerfSharp.Scoring;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): the bootstrap's random source. Its output is fixed by this code alone —
/// not by the .NET version, whose seeded <see cref="Random"/> may change — so a seed gives the same resamples, and
/// the same intervals, everywhere. The same generator (same constants) orders the data in
/// <c>AlgoPerfSharp.Workloads.Data.SplitMix64</c>; it is repeated here because scoring must not reference the
/// libtorch-bound workloads assembly.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts a generator from a 64-bit seed.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) without modulo bias (rejection of the top partial block).</summary>
    public int NextIndex(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        var ub = (ulong)bound;
        var limit = ulong.MaxValue - (ulong.MaxValue % ub);
        ulong r;
        do
        {
            r = NextUInt64();
        }
        while (r >= limit);
        return (int)(r % ub);
    }
}
