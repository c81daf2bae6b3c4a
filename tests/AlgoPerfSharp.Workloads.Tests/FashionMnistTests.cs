using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Tests;

public sealed class FashionMnistTests
{
    [Fact]
    public void SyntheticDirectorySplitsDeterministicallyWithoutOverlap()
    {
        using var dir = new TempDir();
        IdxTestFiles.WriteFashionLike(dir.Path, n: 200, m: 30, h: 4, w: 4);
        var all = ImageSet.FromIdx(IdxFile.Read(dir.File("train-images-idx3-ubyte.gz")), IdxFile.Read(dir.File("train-labels-idx1-ubyte.gz")), 10);
        var (train, val) = FashionMnist.SplitTrainValidation(all, 50, seed: 7);
        var (train2, val2) = FashionMnist.SplitTrainValidation(all, 50, seed: 7);
        var (_, val3) = FashionMnist.SplitTrainValidation(all, 50, seed: 8);
        Assert.Equal(150, train.Count);
        Assert.Equal(50, val.Count);
        Assert.Equal(val.Pixels, val2.Pixels);
        Assert.Equal(train.Labels, train2.Labels);
        Assert.NotEqual(val.Pixels, val3.Pixels);

        // Every original image lands in exactly one split: compare the multiset of image rows.
        static IEnumerable<string> Rows(ImageSet s) => Enumerable.Range(0, s.Count).Select(i => Convert.ToHexString(s.Pixels, i * 16, 16));
        var original = Rows(all).Order().ToList();
        var union = Rows(train).Concat(Rows(val)).Order().ToList();
        Assert.Equal(original, union);
    }

    [Fact]
    public void LoadFromSyntheticDirectoryUsesTheOfficialTestSplit()
    {
        using var dir = new TempDir();
        IdxTestFiles.WriteFashionLike(dir.Path, n: 5_100, m: 40, h: 2, w: 2);
        var data = FashionMnist.Load(dir.Path);
        Assert.Equal(100, data.Train.Count);
        Assert.Equal(FashionMnist.ValidationCount, data.Validation.Count);
        Assert.Equal(40, data.Test.Count);
        Assert.Equal(IdxTestFiles.Labels(40), data.Test.Labels);
    }

    [Fact]
    public void MissingDirectoryNamesThePackage()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load("/nonexistent/fmnist"));
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void RealFilesHaveTheDocumentedSplitsAndStatistics()
    {
        if (!Directory.Exists(FashionMnist.DebianDirectory))
        {
            return; // the real data is installed by ./scripts/setup.sh; synthetic tests above cover the loader
        }

        var data = FashionMnist.Load();
        Assert.Equal(55_000, data.Train.Count);
        Assert.Equal(5_000, data.Validation.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.Equal(28, data.Train.Height);
        Assert.Equal(28, data.Train.Width);
        // The official test set is balanced: 1,000 images per class.
        Assert.All(data.Test.Labels.GroupBy(l => l), g => Assert.Equal(1_000, g.Count()));
        Assert.All(data.Train.Labels, l => Assert.InRange(l, 0, 9));

        // The normalisation constants are the statistics of the training images.
        double sum = 0, sumSq = 0;
        foreach (byte p in data.Train.Pixels)
        {
            double v = p / 255.0;
            sum += v;
            sumSq += v * v;
        }

        double n = data.Train.Pixels.Length;
        double mean = sum / n;
        double std = Math.Sqrt((sumSq / n) - (mean * mean));
        Assert.Equal(FashionMnist.Mean, mean, 0.001);
        Assert.Equal(FashionMnist.Std, std, 0.001);
    }

    // The four files of a Fashion-MNIST-like directory, decompressed into cache (as scripts/setup.sh does).
    private static void Decompress(string dir, string cache)
    {
        Directory.CreateDirectory(cache);
        foreach (string gz in Directory.GetFiles(dir, "*-ubyte.gz"))
        {
            using var source = new System.IO.Compression.GZipStream(File.OpenRead(gz), System.IO.Compression.CompressionMode.Decompress);
            using var target = File.Create(Path.Combine(cache, Path.GetFileNameWithoutExtension(gz)));
            source.CopyTo(target);
        }
    }

    private static void AssertSame(FashionMnist expected, FashionMnist actual)
    {
        foreach (var (e, a) in new[] { (expected.Train, actual.Train), (expected.Validation, actual.Validation), (expected.Test, actual.Test) })
        {
            Assert.Equal((e.Count, e.Height, e.Width), (a.Count, a.Height, a.Width));
            Assert.Equal(e.Pixels, a.Pixels);
            Assert.Equal(e.Labels, a.Labels);
        }
    }

    [Fact]
    public void DecompressedCopiesAreReadInsteadOfTheGzAndGiveTheSameData()
    {
        using var dir = new TempDir();
        IdxTestFiles.WriteFashionLike(dir.Path, n: 5_100, m: 40, h: 3, w: 2);
        string cache = dir.File("cache");
        Decompress(dir.Path, cache);
        var fromGz = FashionMnist.Load(dir.Path);
        AssertSame(fromGz, FashionMnist.Load(dir.Path, cache));

        // the copies are what is read: with the .gz files gone the data still loads, unchanged
        foreach (string gz in Directory.GetFiles(dir.Path, "*.gz")) File.Delete(gz);
        AssertSame(fromGz, FashionMnist.Load(dir.Path, cache));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("one byte too long")]
    [InlineData("not IDX")]
    public void ADamagedDecompressedCopyIsOneLineNamingItAndSayingToRerunSetup(string damage)
    {
        using var dir = new TempDir();
        IdxTestFiles.WriteFashionLike(dir.Path, n: 5_100, m: 40, h: 3, w: 2);
        string cache = dir.File("cache");
        Decompress(dir.Path, cache);
        string copy = Path.Combine(cache, "t10k-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(copy);
        File.WriteAllBytes(copy, damage switch
        {
            "truncated" => bytes[..^7],
            "one byte too long" => [.. bytes, 0],
            _ => [0x1f, 0x00, .. bytes[2..]],
        });

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir.Path, cache));
        Assert.StartsWith(copy + ": ", e.Message);
        Assert.EndsWith($"; it is a decompressed copy of {dir.File("t10k-images-idx3-ubyte")}.gz: rerun ./scripts/setup.sh to rewrite it", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RealDecompressedCopiesEqualDebiansGzFiles()
    {
        if (!Directory.Exists(FashionMnist.DebianDirectory) || !File.Exists(Path.Combine(DataPaths.FashionMnistDecompressed, "train-images-idx3-ubyte")))
        {
            return; // written by ./scripts/setup.sh; the synthetic tests above cover the loader
        }

        AssertSame(FashionMnist.Load(FashionMnist.DebianDirectory), FashionMnist.Load());
    }
}
