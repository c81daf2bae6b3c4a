using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// A scrambled Halton sequence in [0, 1)^d, as AlgoPerf samples external-tuning trials: dimension k uses the k-th
/// prime as its base, each base's digits go through a seeded random permutation that fixes 0 (so trailing zeros
/// stay zero), the first <see cref="Skip"/> points are skipped, and a seeded random shift (mod 1) is added per
/// dimension. Deterministic for a seed: the same sweep seed gives the same trials on every machine.
/// </summary>
public sealed class ScrambledHalton
{
    /// <summary>Leading points skipped (AlgoPerf skips 100).</summary>
    public const int Skip = 100;

    private static readonly int[] Primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

    private readonly int[][] _permutations;
    private readonly double[] _shifts;

    /// <summary>A sequence of <paramref name="dimensions"/> coordinates scrambled by <paramref name="seed"/>.</summary>
    public ScrambledHalton(int dimensions, ulong seed)
    {
        if (dimensions < 1 || dimensions > Primes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"must be 1..{Primes.Length}");
        }

        Dimensions = dimensions;
        var rng = new SplitMix64(seed);
        _permutations = new int[dimensions][];
        _shifts = new double[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            int b = Primes[d];
            var perm = new int[b];
            for (int i = 0; i < b; i++) perm[i] = i;
            rng.Shuffle<int>(perm.AsSpan(1)); // keep π(0) = 0
            _permutations[d] = perm;
            _shifts[d] = rng.NextDouble();
        }
    }

    /// <summary>Number of coordinates.</summary>
    public int Dimensions { get; }

    /// <summary>The radical inverse of <paramref name="index"/> in base <paramref name="b"/> with digit permutation <paramref name="perm"/> (identity → plain Halton).</summary>
    public static double RadicalInverse(long index, int b, ReadOnlySpan<int> perm)
    {
        double result = 0, f = 1.0 / b;
        while (index > 0)
        {
            result += perm[(int)(index % b)] * f;
            index /= b;
            f /= b;
        }

        return result;
    }

    /// <summary>Point <paramref name="i"/> (0-based) of the sequence.</summary>
    public double[] Point(long i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        var x = new double[Dimensions];
        for (int d = 0; d < Dimensions; d++)
        {
            double v = RadicalInverse(i + Skip, Primes[d], _permutations[d]) + _shifts[d];
            v -= Math.Floor(v);
            x[d] = v >= 1 ? Math.BitDecrement(1.0) : v;
        }

        return x;
    }
}
