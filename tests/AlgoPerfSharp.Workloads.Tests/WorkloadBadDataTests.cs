using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>Bad data fails fast when a workload is built, with a message naming the file, what was expected and how to install it.</summary>
public sealed class WorkloadBadDataTests
{
    private const string Setup = "./scripts/setup.sh";

    /// <summary>Building <paramref name="name"/> from <paramref name="dir"/> throws <typeparamref name="T"/> whose message contains every one of <paramref name="parts"/>.</summary>
    private static void Fails<T>(string name, string dir, string preset, params string[] parts)
        where T : Exception
    {
        var e = Assert.ThrowsAny<Exception>(() =>
        {
            using var w = name.StartsWith("sotu", StringComparison.Ordinal) ? SotuWorkloads.Create(name, preset, dir) : FashionMnistWorkloads.Create(name, preset, dir);
        });
        Assert.IsType<T>(e);
        foreach (string part in parts) Assert.Contains(part, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFashionMnistDirectoryNamesItAndTheSetupCommand()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("nope");
        Fails<DirectoryNotFoundException>(FashionMnistWorkloads.ResNet, missing, Presets.Cpu, missing, Setup);
    }

    [Fact]
    public void MissingIdxFileIsNamed()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        File.Delete(tmp.File("t10k-labels-idx1-ubyte.gz"));
        Fails<FileNotFoundException>(FashionMnistWorkloads.Vit, tmp.Path, Presets.Cpu, "t10k-labels-idx1-ubyte", Setup);
    }

    [Fact]
    public void WrongIdxMagicIsReported()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        string path = tmp.File("train-images-idx3-ubyte.gz");
        File.Delete(path);
        File.WriteAllBytes(path, "PK\u0003\u0004 not an idx file"u8.ToArray());
        Fails<InvalidDataException>(FashionMnistWorkloads.ResNet, tmp.Path, Presets.Cpu, path, "expected magic 00 00", Setup);
    }

    [Fact]
    public void WrongIdxSizeIsReported()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        string path = tmp.File("t10k-images-idx3-ubyte.gz");
        IdxTestFiles.Write(path, [10, 28, 28], new byte[(10 * 28 * 28) - 5], gzip: true); // header promises 5 more bytes
        Fails<InvalidDataException>(FashionMnistWorkloads.ResNet, tmp.Path, Presets.Cpu, path, "should be 7856 bytes", Setup);
    }

    [Fact]
    public void TruncatedGzipIsReportedEvenForTheTinyPreset()
    {
        using var tmp = new TempDir();
        IdxTestFiles.WriteFashionLike(tmp.Path, 20, 10);
        string path = tmp.File("train-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Fails<InvalidDataException>(FashionMnistWorkloads.ResNet, tmp.Path, Presets.Tiny, path, "truncated", Setup); // corrupt data is never replaced by synthetic data
    }

    [Fact]
    public void MissingOrEmptyCorpusIsReported()
    {
        using var tmp = new TempDir();
        string missing = tmp.File("sotu");
        Fails<DirectoryNotFoundException>(SotuWorkloads.Llama, missing, Presets.Cpu, missing, Setup);

        Fails<InvalidDataException>(SotuWorkloads.LlamaGelu, tmp.Path, Presets.Cpu, tmp.Path, "empty", Setup);
    }

    [Fact]
    public void CorpusTooSmallForAWindowIsReported()
    {
        using var tmp = new TempDir();
        for (int i = 0; i < 12; i++) File.WriteAllText(tmp.File($"{1790 + i}_x.txt"), "short address.");
        Fails<InvalidDataException>(SotuWorkloads.Llama, tmp.Path, Presets.Cpu, tmp.Path, $"fewer than one window of {LlamaConfig.Cpu.Context + 1}", Setup);
    }

    [Fact]
    public void GpuPresetWithoutTokenFilesSaysWhatItNeeds()
    {
        using var tmp = new TempDir();
        Fails<FileNotFoundException>(SotuWorkloads.Llama, tmp.Path, Presets.Gpu, tmp.File("train.bin"), "uint16");
    }

    [Fact]
    public void UnknownNamesAndPresetsAreRejected()
    {
        Assert.Contains("unknown preset 'xl'", Assert.Throws<ArgumentException>(() => FashionMnistWorkloads.Create(FashionMnistWorkloads.ResNet, "xl")).Message, StringComparison.Ordinal);
        Assert.Contains("unknown language-model workload", Assert.Throws<ArgumentException>(() => SotuWorkloads.Create("sotu_gpt", Presets.Tiny)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdxImagesWithTheRightByteCountButOtherDimensionsAreRefused()
    {
        using var tmp = new TempDir();
        // 5,100 images of 14 × 56 bytes: exactly the bytes of 5,100 images of 28 × 28, which trained silently before
        IdxTestFiles.WriteFashionLike(tmp.Path, n: 5_100, m: 20, h: 14, w: 56);
        Fails<InvalidDataException>(FashionMnistWorkloads.ResNet, tmp.Path, Presets.Quick, tmp.Path, "the training images are 14×56 by their IDX header",
            "built for 28×28", Setup);
    }

    [Fact]
    public void ACorpusFileOver2GiBIsAClearErrorNotAnOverflow()
    {
        using var tmp = new TempDir();
        for (int i = 0; i < 12; i++) File.WriteAllText(tmp.File($"{i:D2}.txt"), "a small address");
        using (var big = File.Create(tmp.File("99-huge.txt")))
        {
            big.SetLength(3L << 30); // sparse: no 3 GiB written
        }

        Fails<InvalidDataException>(SotuWorkloads.Llama, tmp.Path, Presets.Cpu, "99-huge.txt is 3,221,225,472 bytes",
            "more than the byte-level text loader holds in memory", "uint16 .bin");
    }
}
