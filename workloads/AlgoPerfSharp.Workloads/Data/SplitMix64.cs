namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// A tiny deterministic PRNG (SplitMix64) used for data order, splits and augmentation. Its output is fixed by this
/// code alone — not by the .NET version or libtorch — so data order is reproducible everywhere. A stream is keyed by
/// (seed, stream, index) so that batch <c>i</c> can be produced without producing batches 0..i−1 (cheap resume).
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts a generator from a 64-bit state.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for item <paramref name="index"/> of stream <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static SplitMix64 For(ulong seed, ulong stream, ulong index)
    {
        var g = new SplitMix64(seed ^ 0x9E3779B97F4A7C15UL);
        ulong a = g.NextUInt64() ^ (stream * 0xD1B54A32D192ED03UL);
        var h = new SplitMix64(a);
        ulong b = h.NextUInt64() ^ (index * 0x8CB92BA72F3D8DD7UL);
        return new SplitMix64(b);
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, bound) without modulo bias.</summary>
    public long NextInt64(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong ub = (ulong)bound;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % ub);
        ulong r;
        do
        {
            r = NextUInt64();
        }
        while (r >= limit);
        return (long)(r % ub);
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextInt64(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..n−1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }
}
