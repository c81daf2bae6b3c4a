using System.Text;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Tests;

public sealed class TextDataTests
{
    private static List<(string, byte[])> Docs(int n) =>
        Enumerable.Range(0, n).Select(i => ($"{1790 + i}_doc.txt", Encoding.UTF8.GetBytes($"doc{i}"))).ToList();

    [Fact]
    public void SplitsByDocumentIndexModTwenty()
    {
        var c = TextCorpus.FromDocuments(Docs(25));
        Assert.Equal("doc0\n\ndoc20", Encoding.UTF8.GetString(c.Validation));
        Assert.Equal("doc10", Encoding.UTF8.GetString(c.Test));
        string train = Encoding.UTF8.GetString(c.Train);
        Assert.StartsWith("doc1\n\ndoc2\n\n", train);
        Assert.DoesNotContain("doc0\n", train + "\n");
        Assert.DoesNotContain("doc10", train);
        Assert.DoesNotContain("doc20", train);
        Assert.Equal(22, train.Split("\n\n").Length);
    }

    [Fact]
    public void BadCorporaFailWithClearMessages()
    {
        var few = Assert.Throws<InvalidDataException>(() => TextCorpus.FromDocuments(Docs(5), "tiny"));
        Assert.Contains("at least 12", few.Message);
        var docs = Docs(12);
        docs[4] = ("1794_empty.txt", []);
        var empty = Assert.Throws<InvalidDataException>(() => TextCorpus.FromDocuments(docs, "x"));
        Assert.Contains("1794_empty.txt", empty.Message);
        using var dir = new TempDir();
        var none = Assert.Throws<InvalidDataException>(() => TextCorpus.FromFolder(dir.Path, DataInstallHint.Sotu));
        Assert.Contains("empty", none.Message);
        Assert.Contains("datasets-sotu", none.Message);
        Assert.Throws<DirectoryNotFoundException>(() => TextCorpus.FromFolder("/nonexistent/sotu"));
    }

    [Fact]
    public void FolderLoaderSortsByFileName()
    {
        using var dir = new TempDir();
        foreach (var (name, bytes) in Docs(13).AsEnumerable().Reverse()) File.WriteAllBytes(dir.File(name), bytes);
        File.WriteAllText(dir.File("notes.json"), "{}"); // ignored
        var c = TextCorpus.FromFolder(dir.Path);
        Assert.Equal("1790_doc.txt", c.Documents[0]);
        Assert.Equal("doc0", Encoding.UTF8.GetString(c.Validation));
    }

    [Fact]
    public void RealStateOfTheUnionCorpusLoads()
    {
        if (!Directory.Exists(DataPaths.Sotu)) return; // installed by ./scripts/setup.sh
        var c = TextCorpus.FromFolder(DataPaths.Sotu);
        Assert.Equal(233, c.Documents.Count);
        Assert.StartsWith("1790_george_washington", c.Documents[0]);
        Assert.InRange(c.Train.Length + c.Validation.Length + c.Test.Length, 9_000_000, 12_000_000);
        Assert.InRange(c.Validation.Length, 200_000, 1_500_000);
        Assert.InRange(c.Test.Length, 100_000, 1_500_000);
    }

    [Fact]
    public void LmBatchesShiftTargetsByOneAndAreDeterministic()
    {
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)).ToArray();
        var batcher = new LmBatcher(new ByteTokenSource(bytes), context: 16);
        var a = batcher.TrainBatch(9, 4, 3);
        var b = batcher.TrainBatch(9, 4, 3);
        Assert.Equal(a.Inputs, b.Inputs);
        Assert.NotEqual(a.Inputs, batcher.TrainBatch(9, 5, 3).Inputs);
        for (int r = 0; r < 3; r++)
        {
            for (int t = 0; t < 15; t++) Assert.Equal(a.Inputs[(r * 16) + t + 1], a.Targets[(r * 16) + t]);
            Assert.Equal((a.Inputs[r * 16] + 16) % 251, a.Targets[(r * 16) + 15] % 251);
        }
    }

    [Fact]
    public void EvalWindowsAreConsecutiveOrEvenlySpaced()
    {
        var batcher = new LmBatcher(new ByteTokenSource(new byte[101]), context: 10);
        Assert.Equal(new long[] { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90 }, batcher.EvalWindowStarts(100));
        var capped = batcher.EvalWindowStarts(3);
        Assert.Equal(new long[] { 0, 45, 90 }, capped);
        var batch = batcher.Build(capped);
        Assert.Equal(3, batch.Batch);
        Assert.Throws<InvalidDataException>(() => new LmBatcher(new ByteTokenSource(new byte[5]), 10));
    }

    [Fact]
    public void TokenBinFilesAreMemoryMappedUInt16()
    {
        using var dir = new TempDir();
        string path = dir.File("train.bin");
        ushort[] tokens = [0, 1, 50_256, 7, 300, 2];
        File.WriteAllBytes(path, tokens.SelectMany(BitConverter.GetBytes).ToArray());
        using (var bin = new TokenBinFile(path))
        {
            Assert.Equal(6, bin.Length);
            var dst = new long[3];
            bin.Read(2, dst);
            Assert.Equal(new long[] { 50_256, 7, 300 }, dst);
            Assert.Throws<ArgumentOutOfRangeException>(() => bin.Read(5, dst));
        }

        using (var small = new TokenBinFile(path, vocabSize: 1000))
        {
            var e = Assert.Throws<InvalidDataException>(() => small.Read(0, new long[3]));
            Assert.Contains("token 50256 at position 2", e.Message);
        }

        File.WriteAllBytes(dir.File("odd.bin"), [1, 2, 3]);
        Assert.Contains("uint16", Assert.Throws<InvalidDataException>(() => new TokenBinFile(dir.File("odd.bin"))).Message);
        File.WriteAllBytes(dir.File("empty.bin"), []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => new TokenBinFile(dir.File("empty.bin"))).Message);
    }
}
