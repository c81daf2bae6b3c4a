using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>The synthetic click-log generator, its binary cache and the Criteo TSV reader.</summary>
public sealed class ClickLogDataTests
{
    private static readonly long[] Sizes = ClickLogSchema.TableSizes(500);

    [Fact]
    public void PowerLawInvertsItsCdfAtTheFirstBoundary()
    {
        const long V = 1000;
        const double Alpha = 1.2;
        double g = 1 - Alpha;
        double f0 = (Math.Pow(2, g) - 1) / (Math.Pow(V + 1, g) - 1); // P(id = 0)
        Assert.Equal(0, SyntheticClickLog.PowerLaw(V, Alpha, f0 - 1e-9));
        Assert.Equal(1, SyntheticClickLog.PowerLaw(V, Alpha, f0 + 1e-9));
        Assert.Equal(V - 1, SyntheticClickLog.PowerLaw(V, Alpha, 1 - 1e-15));
    }

    [Fact]
    public void CacheHoldsTheGeneratorsExamplesSplitByPosition()
    {
        using var dir = new TempDir();
        var gen = new SyntheticClickLog(7, Sizes);
        using var file = ClickLogFile.Write(dir.File("c.bin"), gen, 300, 100, 100);
        Assert.Equal(500, file.Count);
        Assert.Equal(Sizes, file.TableSizes);
        var val = file.Read(DataSplit.Validation, 5, 3);
        var pv = file.Probabilities(DataSplit.Validation, 5, 3);
        for (int i = 0; i < 3; i++)
        {
            var dense = new float[13];
            var ids = new long[26];
            double p = gen.Example(300 + 5 + i, dense, ids, out bool label);
            Assert.Equal(dense, val.Dense.AsSpan(i * 13, 13).ToArray());
            Assert.Equal(ids, val.Categorical.AsSpan(i * 26, 26).ToArray());
            Assert.Equal(label ? 1f : 0f, val.Labels[i]);
            Assert.Equal((float)p, (float)pv[i]);
            for (int f = 0; f < 26; f++) Assert.InRange(ids[f], 0, Sizes[f] - 1);
        }

        // Bayes loss = mean binary entropy of the teacher probabilities of the split (recomputed here in float64).
        double h = 0;
        for (int k = 400; k < 500; k++) h += ClickLogFile.Entropy(gen.Example(k, new float[13], new long[26], out _));
        Assert.Equal(h / 100, file.BayesLoss(DataSplit.Test), 12);
    }

    [Fact]
    public void TeacherIsInformativeAndClickRateIsCriteoLike()
    {
        using var dir = new TempDir();
        using var file = ClickLogFile.Write(dir.File("c.bin"), new SyntheticClickLog(1, ClickLogSchema.TableSizes(1 << 12)), 20000, 2000, 2000);
        double rate = file.PositiveRate;
        Assert.InRange(rate, 0.15, 0.40);
        double constantLoss = ClickLogFile.Entropy(rate); // the best constant predictor
        Assert.True(file.BayesLoss(DataSplit.Train) < constantLoss - 0.03, $"Bayes {file.BayesLoss(DataSplit.Train)} vs constant {constantLoss}");
    }

    [Fact]
    public void DenseFeatureZeroFollowsItsParetoTailAfterLog1p()
    {
        // Feature 0: 10% missing (0), else floor(U^(-1/1.1) − 1), so P(count ≥ c) = 0.9·(1 + c)^−1.1.
        var gen = new SyntheticClickLog(3, Sizes);
        var dense = new float[13];
        const int N = 20000;
        int atLeast9 = 0, atLeast99 = 0;
        for (int i = 0; i < N; i++)
        {
            gen.Example(i, dense, new long[26], out _);
            Assert.All(dense, x => Assert.True(x >= 0 && float.IsFinite(x)));
            if (dense[0] >= (float)Math.Log(10) - 1e-6) atLeast9++;
            if (dense[0] >= (float)Math.Log(100) - 1e-6) atLeast99++;
        }

        Assert.Equal(0.9 * Math.Pow(10, -1.1), atLeast9 / (double)N, 0.006);   // 0.0715 ± 4.6σ
        Assert.Equal(0.9 * Math.Pow(100, -1.1), atLeast99 / (double)N, 0.0025); // 0.0057 ± 4.7σ
    }

    [Fact]
    public void CorruptCacheGivesOneLineErrorNamingFileAndFix()
    {
        using var dir = new TempDir();
        string path = dir.File("c.bin");
        ClickLogFile.Write(path, new SyntheticClickLog(7, Sizes), 10, 5, 5).Dispose();
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(fs.Length - 1);
        var e = Assert.Throws<InvalidDataException>(() => new ClickLogFile(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("delete the file to regenerate it", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        File.WriteAllBytes(path, new byte[400]);
        Assert.Contains("APSCLOG1", Assert.Throws<InvalidDataException>(() => new ClickLogFile(path)).Message);
    }

    [Fact]
    public void OutOfRangeIdInCacheIsReported()
    {
        using var dir = new TempDir();
        string path = dir.File("c.bin");
        ClickLogFile.Write(path, new SyntheticClickLog(7, Sizes), 10, 5, 5).Dispose();
        using (var fs = new FileStream(path, FileMode.Open))
        {
            fs.Position = ClickLogFile.HeaderBytes + (2 * ClickLogFile.RecordBytes) + (13 * 4); // record 2, feature 0
            fs.Write(BitConverter.GetBytes(int.MaxValue));
        }

        using var file = new ClickLogFile(path);
        var e = Assert.Throws<InvalidDataException>(() => file.Read(DataSplit.Train, 0, 5));
        Assert.Contains("record 2", e.Message);
        Assert.Contains("outside its table", e.Message);
    }

    [Fact]
    public void OpenOrWriteRefusesACacheWrittenWithOtherSettings()
    {
        using var dir = new TempDir();
        string path = dir.File("c.bin");
        ClickLogFile.OpenOrWrite(path, new SyntheticClickLog(7, Sizes), 10, 5, 5).Dispose();
        using (var again = ClickLogFile.OpenOrWrite(path, new SyntheticClickLog(7, Sizes), 10, 5, 5)) Assert.Equal(20, again.Count);
        Assert.Contains("delete it to regenerate", Assert.Throws<InvalidDataException>(() => ClickLogFile.OpenOrWrite(path, new SyntheticClickLog(8, Sizes), 10, 5, 5)).Message);
    }

    [Fact]
    public void CriteoTsvParsesLabelsLogCountsAndHashedCategories()
    {
        using var dir = new TempDir();
        string path = dir.File("day_0.tsv");
        string cats = string.Join('\t', Enumerable.Range(0, 26).Select(c => c == 3 ? string.Empty : (0x68fd1e64 + c).ToString("x8")));
        File.WriteAllLines(path,
        [
            "1\t5\t\t-3\t0\t1\t2\t3\t4\t5\t6\t7\t8\t100\t" + cats,
            "0\t\t\t\t\t\t\t\t\t\t\t\t\t\t" + cats,
        ]);
        var b = CriteoTsv.Read(path, Sizes);
        Assert.Equal(2, b.Count);
        Assert.Equal([1f, 0f], b.Labels);
        Assert.Equal((float)Math.Log(6), b.Dense[0]);
        Assert.Equal(0f, b.Dense[1]);              // missing
        Assert.Equal(0f, b.Dense[2]);              // negative → relu → 0
        Assert.Equal((float)Math.Log(101), b.Dense[12]);
        Assert.All(b.Dense.AsSpan(13, 13).ToArray(), x => Assert.Equal(0f, x));
        // value mod (V − 1), + 1; row 0 is the missing category's
        Assert.Equal(250L, b.Categorical[0]);   // 0x68fd1e64 = 1761418852 = 3529897·499 + 249, table of 500 rows
        Assert.Equal(2L, b.Categorical[5]);    // 0x68fd1e69 is odd, table of 3 rows: 1 + 1
        Assert.Equal(CriteoTsv.MissingId, b.Categorical[3]);
        Assert.Equal(1 + ((0x68fd1e64L + 7) % (Sizes[7] - 1)), b.Categorical[7]);
        Assert.Equal(b.Categorical.AsSpan(0, 26).ToArray(), b.Categorical.AsSpan(26, 26).ToArray());
        Assert.DoesNotContain(CriteoTsv.MissingId, b.Categorical.AsSpan(0, 26).ToArray().Where((_, f) => f != 3));
    }

    [Fact]
    public void TruncatedTsvLineNamesFileAndLine()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.tsv");
        File.WriteAllLines(path, [string.Join('\t', Enumerable.Repeat("0", 40)), "1\t2\t3"]);
        var e = Assert.Throws<InvalidDataException>(() => CriteoTsv.Read(path, Sizes));
        Assert.StartsWith(path + ":2: 3 tab-separated fields, expected 40", e.Message);
        File.WriteAllLines(path, ["x" + string.Concat(Enumerable.Repeat("\t0", 39))]);
        Assert.Contains(":1: label 'x'", Assert.Throws<InvalidDataException>(() => CriteoTsv.Read(path, Sizes)).Message);
    }
}
