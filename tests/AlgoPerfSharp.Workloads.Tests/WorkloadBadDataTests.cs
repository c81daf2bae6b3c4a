using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>Bad data fails fast when a workload is built, with a message naming the file, what was expected and how to install it.</summary>
public sealed class WorkloadBadDataTests
{
    private const string Setup = "./scripts/setup.sh";

    private static Exception Build(string name, string dir, string preset = Presets.Cpu) =>
        Assert.ThrowsAny<Exception>(() =>
        {
            using var w = name.StartsWith("sotu", StringComparison.Ordinal) ? SotuWorkloads.Create(name, preset, dir) : FashionMnistWorkloads.Create(name, preset, dir);
        });

    [Fact]
    public void MissingFashionMnistDirectoryNamesItAndTheSetupCommand()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("nope");
        var e = Assert.IsType<DirectoryNotFoundException>(Build(FashionMnistWorkloads.ResNet, missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingIdxFileIsNamed()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        File.Delete(tmp.File("t10k-labels-idx1-ubyte.gz"));
        var e = Assert.IsType<FileNotFoundException>(Build(FashionMnistWorkloads.Vit, tmp.Path));
        Assert.Contains("t10k-labels-idx1-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongIdxMagicIsReported()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        string path = tmp.File("train-images-idx3-ubyte.gz");
        File.Delete(path);
        File.WriteAllBytes(path, "PK\u0003\u0004 not an idx file"u8.ToArray());
        var e = Assert.IsType<InvalidDataException>(Build(FashionMnistWorkloads.ResNet, tmp.Path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("expected magic 00 00", e.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongIdxSizeIsReported()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        string path = tmp.File("t10k-images-idx3-ubyte.gz");
        IdxTestFiles.Write(path, [10, 28, 28], new byte[(10 * 28 * 28) - 5], gzip: true); // header promises 5 more bytes
        var e = Assert.IsType<InvalidDataException>(Build(FashionMnistWorkloads.ResNet, tmp.Path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("should be 7856 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedGzipIsReportedEvenForTheTinyPreset()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        string path = tmp.File("train-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.IsType<InvalidDataException>(Build(FashionMnistWorkloads.ResNet, tmp.Path, Presets.Tiny)); // corrupt data is never replaced by synthetic data
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOrEmptyCorpusIsReported()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("sotu");
        var e1 = Assert.IsType<DirectoryNotFoundException>(Build(SotuWorkloads.Llama, missing));
        Assert.Contains(missing, e1.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e1.Message, StringComparison.Ordinal);

        var e2 = Assert.IsType<InvalidDataException>(Build(SotuWorkloads.LlamaGelu, tmp.Path));
        Assert.Contains(tmp.Path, e2.Message, StringComparison.Ordinal);
        Assert.Contains("empty", e2.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorpusTooSmallForAWindowIsReported()
    {
        using var tmp = new TempDir();
        for (int i = 0; i < 12; i++) File.WriteAllText(tmp.File($"{1790 + i}_x.txt"), "short address.");
        var e = Assert.IsType<InvalidDataException>(Build(SotuWorkloads.Llama, tmp.Path));
        Assert.Contains(tmp.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("fewer than one window of 257", e.Message, StringComparison.Ordinal);
        Assert.Contains(Setup, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GpuPresetWithoutTokenFilesSaysWhatItNeeds()
    {
        using var tmp = new TempDir();
        var e = Assert.IsType<FileNotFoundException>(Build(SotuWorkloads.Llama, tmp.Path, Presets.Gpu));
        Assert.Contains(tmp.File("train.bin"), e.Message, StringComparison.Ordinal);
        Assert.Contains("uint16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNamesAndPresetsAreRejected()
    {
        Assert.Contains("unknown preset 'xl'", Assert.Throws<ArgumentException>(() => FashionMnistWorkloads.Create(FashionMnistWorkloads.ResNet, "xl")).Message, StringComparison.Ordinal);
        Assert.Contains("unknown language-model workload", Assert.Throws<ArgumentException>(() => SotuWorkloads.Create("sotu_gpt", Presets.Tiny)).Message, StringComparison.Ordinal);
    }
}
