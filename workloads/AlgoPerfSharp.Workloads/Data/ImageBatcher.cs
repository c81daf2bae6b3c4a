namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// Produces image batches as a pure function of (seed, batch index): training batches walk through seeded
/// per-epoch permutations (sampling without replacement) with optional augmentation — random crop after
/// <see cref="CropPadding"/>-pixel zero padding and horizontal flip — and evaluation batches walk the split in
/// order. Because batch <c>i</c> does not depend on batches before it, resuming from a checkpoint only needs the index.
/// Thread-safe: each call allocates its own buffers (the per-epoch permutation cache is guarded).
/// </summary>
public sealed class ImageBatcher
{
    private const ulong EpochStream = 1;
    private const ulong AugmentStream = 2;

    private readonly ImageSet _set;
    private readonly float _mean;
    private readonly float _std;
    private readonly Lock _cacheLock = new();
    private (ulong Seed, long Epoch) _cachedKey = (0, -1);
    private int[] _cachedPerm = [];

    /// <summary>Creates a batcher over <paramref name="set"/> normalising with (<paramref name="mean"/>, <paramref name="std"/>).</summary>
    public ImageBatcher(ImageSet set, float mean, float std, bool augment)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Count == 0) throw new ArgumentException("the image set is empty", nameof(set));
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be positive");
        _set = set;
        _mean = mean;
        _std = std;
        Augment = augment;
    }

    /// <summary>Zero padding on each side before the random crop.</summary>
    public const int CropPadding = 2;

    /// <summary>Whether training batches are augmented.</summary>
    public bool Augment { get; }

    /// <summary>The underlying images.</summary>
    public ImageSet Set => _set;

    /// <summary>Training batch <paramref name="index"/> of size <paramref name="batchSize"/> under <paramref name="seed"/>.</summary>
    public ImageBatch TrainBatch(ulong seed, long index, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int n = _set.Count;
        var picks = new int[batchSize];
        long start = index * batchSize;
        for (int i = 0; i < batchSize; i++)
        {
            long pos = start + i;
            picks[i] = Permutation(seed, pos / n)[(int)(pos % n)];
        }

        var rng = SplitMix64.For(seed, AugmentStream, (ulong)index);
        return Build(picks, Augment, ref rng);
    }

    /// <summary>Number of evaluation batches of <paramref name="batchSize"/> covering the whole set (the last may be short).</summary>
    public int EvalBatchCount(int batchSize) => (_set.Count + batchSize - 1) / batchSize;

    /// <summary>Evaluation batch <paramref name="index"/>: images in order, no augmentation.</summary>
    public ImageBatch EvalBatch(int index, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int start = index * batchSize;
        if (index < 0 || start >= _set.Count) throw new ArgumentOutOfRangeException(nameof(index), index, "past the end of the set");
        int count = Math.Min(batchSize, _set.Count - start);
        var picks = new int[count];
        for (int i = 0; i < count; i++) picks[i] = start + i;
        var rng = default(SplitMix64);
        return Build(picks, augment: false, ref rng);
    }

    private ImageBatch Build(int[] picks, bool augment, ref SplitMix64 rng)
    {
        int h = _set.Height, w = _set.Width, size = h * w;
        var pixels = new float[picks.Length * size];
        var labels = new long[picks.Length];
        float scale = 1f / (255f * _std);
        float shift = -_mean / _std;
        for (int b = 0; b < picks.Length; b++)
        {
            int src = picks[b] * size;
            int dst = b * size;
            labels[b] = _set.Labels[picks[b]];
            if (!augment)
            {
                for (int i = 0; i < size; i++) pixels[dst + i] = (_set.Pixels[src + i] * scale) + shift;
                continue;
            }

            // Crop offset in the padded image, in [0, 2·pad]; out-of-image pixels are the zero padding.
            int dy = (int)rng.NextInt64((2 * CropPadding) + 1) - CropPadding;
            int dx = (int)rng.NextInt64((2 * CropPadding) + 1) - CropPadding;
            bool flip = rng.NextUInt64() >> 63 == 1;
            for (int y = 0; y < h; y++)
            {
                int sy = y + dy;
                for (int x = 0; x < w; x++)
                {
                    int ox = flip ? w - 1 - x : x;
                    int sx = ox + dx;
                    byte v = sy >= 0 && sy < h && sx >= 0 && sx < w ? _set.Pixels[src + (sy * w) + sx] : (byte)0;
                    pixels[dst + (y * w) + x] = (v * scale) + shift;
                }
            }
        }

        return new ImageBatch(pixels, labels, picks.Length, h, w);
    }

    private int[] Permutation(ulong seed, long epoch)
    {
        lock (_cacheLock)
        {
            if (_cachedKey != (seed, epoch))
            {
                _cachedPerm = SplitMix64.For(seed, EpochStream, (ulong)epoch).Permutation(_set.Count);
                _cachedKey = (seed, epoch);
            }

            return _cachedPerm;
        }
    }
}
