using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Tests;

public sealed class IdxFileTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsGzipAndRawFiles(bool gzip)
    {
        using var dir = new TempDir();
        string path = dir.File("x.idx");
        IdxTestFiles.Write(path, [2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], gzip);
        var idx = IdxFile.Read(path);
        Assert.Equal(new[] { 2, 3, 2 }, idx.Dims);
        Assert.Equal(2, idx.Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (byte)i), idx.Data);
    }

    [Fact]
    public void WrongMagicNamesTheFile()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.idx");
        File.WriteAllBytes(path, [0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 5]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void SizeMismatchSaysWhatWasExpected()
    {
        using var dir = new TempDir();
        string path = dir.File("short.idx");
        var bytes = IdxTestFiles.Encode([3, 2], [1, 2, 3, 4, 5]); // declares 6 bytes of data, holds 5
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains($"should be {bytes.Length + 1} bytes", e.Message);
    }

    [Fact]
    public void ARawFileEndingInsideItsHeaderSaysSo()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.idx");
        File.WriteAllBytes(path, [0, 0, 0x08, 2, 0, 0]); // two dims declared: a 12-byte header
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Equal($"{path}: file ends inside the IDX header (6 bytes, header needs 12).", e.Message);
    }

    [Fact]
    public void UnsupportedElementTypeIsRejected()
    {
        var bytes = IdxTestFiles.Encode([1], [0]);
        bytes[2] = 0x0D; // float
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Parse("f.idx", bytes));
        Assert.Contains("0x0d", e.Message);
    }

    [Fact]
    public void TruncatedGzipFailsCleanly()
    {
        using var dir = new TempDir();
        string good = dir.File("good.gz");
        IdxTestFiles.Write(good, [100, 28, 28], IdxTestFiles.Pattern(100 * 28 * 28, 13), gzip: true);
        var bytes = File.ReadAllBytes(good);
        string cut = dir.File("cut.gz");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(cut, DataInstallHint.FashionMnist));
        Assert.Contains(cut, e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void MissingFileSaysHowToInstall()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IdxFile.Read("/nonexistent/train.gz", DataInstallHint.FashionMnist));
        Assert.Contains("/nonexistent/train.gz", e.Message);
        Assert.Contains("./scripts/setup.sh", e.Message);
    }

    [Fact]
    public void ImageAndLabelCountsMustAgree()
    {
        var images = new IdxData("i", [3, 2, 2], new byte[12]);
        var labels = new IdxData("l", [2], [0, 1]);
        var e = Assert.Throws<InvalidDataException>(() => ImageSet.FromIdx(images, labels, 10));
        Assert.Contains("3 images", e.Message);
        var badLabel = new IdxData("l", [3], [0, 1, 10]);
        var e2 = Assert.Throws<InvalidDataException>(() => ImageSet.FromIdx(images, badLabel, 10));
        Assert.Contains("label 10 at index 2", e2.Message);
    }
}
