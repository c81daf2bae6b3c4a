using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Tests;

public sealed class ImageBatcherTests
{
    private static ImageSet Distinct(int n, int h = 4, int w = 4)
    {
        // Image i has value i in its first pixel so it can be identified after batching.
        var px = new byte[n * h * w];
        var labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            px[i * h * w] = (byte)i;
            labels[i] = (byte)(i % 10);
        }

        return new ImageSet(px, labels, h, w, 10);
    }

    [Fact]
    public void EvalBatchesNormaliseAndCoverTheSetInOrder()
    {
        var set = new ImageSet([0, 255, 51, 102], [3], 2, 2, 10);
        var batcher = new ImageBatcher(set, mean: 0.2f, std: 0.5f, augment: true);
        var b = batcher.EvalBatch(0, 8);
        Assert.Equal(1, b.Count);
        Assert.Equal(new[] { -0.4f, 1.6f, 0f, 0.4f }, b.Pixels.Select(p => MathF.Round(p, 5)));
        Assert.Equal(new long[] { 3 }, b.Labels);

        var batcher2 = new ImageBatcher(Distinct(10), 0, 1, augment: false);
        Assert.Equal(4, batcher2.EvalBatchCount(3));
        Assert.Equal(1, batcher2.EvalBatch(3, 3).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => batcher2.EvalBatch(4, 3));
    }

    [Fact]
    public void TrainBatchesAreAPureFunctionOfSeedAndIndexAndCoverAnEpochOnce()
    {
        var batcher = new ImageBatcher(Distinct(20), 0, 1f / 255, augment: false);
        var a = batcher.TrainBatch(seed: 5, index: 3, batchSize: 4);
        var b = new ImageBatcher(Distinct(20), 0, 1f / 255, augment: false).TrainBatch(5, 3, 4);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, batcher.TrainBatch(6, 3, 4).Pixels);

        // Five batches of four = one epoch of 20 images: each image exactly once.
        var seen = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            var batch = batcher.TrainBatch(5, i, 4);
            for (int k = 0; k < 4; k++) seen.Add((int)MathF.Round(batch.Pixels[k * 16])); // std = 1/255 undoes the scaling
        }

        Assert.Equal(Enumerable.Range(0, 20), seen.Order());
    }

    [Fact]
    public void AugmentationShiftsByAtMostThePaddingAndMayFlip()
    {
        const int h = 8, w = 8;
        var px = new byte[h * w];
        px[(3 * w) + 2] = 255; // one bright pixel at (y=3, x=2)
        var set = new ImageSet(px, [1], h, w, 10);
        var batcher = new ImageBatcher(set, 0, 1f / 255, augment: true);
        var offsets = new HashSet<(int, int)>();
        for (int i = 0; i < 200; i++)
        {
            var b = batcher.TrainBatch(1, i, 1);
            var bright = Enumerable.Range(0, h * w).Where(k => b.Pixels[k] > 100).ToArray();
            Assert.Single(bright); // 3±2 and 2±2 (or mirrored 5±2) always stay inside the 8×8 image
            int y = bright[0] / w, x = bright[0] % w;
            Assert.InRange(y - 3, -2, 2);
            int dx = Math.Abs(x - 2) <= 2 ? x - 2 : x - (w - 1 - 2);
            Assert.InRange(dx, -2, 2);
            offsets.Add((y, x));
        }

        Assert.True(offsets.Count > 10, $"only {offsets.Count} distinct augmented positions in 200 draws");
    }
}
