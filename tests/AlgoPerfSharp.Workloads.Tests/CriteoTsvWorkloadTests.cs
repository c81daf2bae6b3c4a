using System.Globalization;
using System.IO.Compression;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Models.Dlrm;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// <c>criteo_dlrm_tsv</c> on small Criteo-format samples written here: the positional split, the cache round trip,
/// invalidation, one-line errors for bad input, and a few training steps and an evaluation of the tiny preset.
/// </summary>
public sealed class CriteoTsvWorkloadTests
{
    private static readonly long[] Tables = ClickLogSchema.TableSizes(1 << 10); // the tiny preset's

    /// <summary>
    /// <paramref name="count"/> seeded lines: label 1 when I1 &gt; 5 (something to learn), I1 never missing, the other
    /// integers in [−3, 197) and 15% missing, categories from 40 8-digit hex values per feature and 15% missing.
    /// </summary>
    private static string[] SampleLines(ulong seed, int count)
    {
        var rng = new SplitMix64(seed);
        var lines = new string[count];
        var f = new string[CriteoTsv.Fields];
        for (int i = 0; i < count; i++)
        {
            long i1 = rng.NextInt64(12);
            f[0] = i1 > 5 ? "1" : "0";
            f[1] = i1.ToString(CultureInfo.InvariantCulture);
            for (int j = 2; j <= 13; j++) f[j] = rng.NextDouble() < 0.15 ? string.Empty : (rng.NextInt64(200) - 3).ToString(CultureInfo.InvariantCulture);
            for (int c = 0; c < 26; c++)
            {
                f[14 + c] = rng.NextDouble() < 0.15 ? string.Empty
                    : ((uint)SplitMix64.For(7, (ulong)c, (ulong)rng.NextInt64(40)).NextUInt64()).ToString("x8", CultureInfo.InvariantCulture);
            }

            lines[i] = string.Join('\t', f);
        }

        return lines;
    }

    /// <summary>day_0 (150 lines), day_1 (150 lines and one blank line), day_2.gz (101 lines): train 300, test 50, validation 51.</summary>
    private static string WriteDays(TempDir dir)
    {
        string folder = Directory.CreateDirectory(dir.File("criteo")).FullName;
        File.WriteAllLines(Path.Combine(folder, "day_0"), SampleLines(1, 150));
        File.WriteAllLines(Path.Combine(folder, "day_1"), [.. SampleLines(2, 75), string.Empty, .. SampleLines(3, 75)]);
        using (var gz = new GZipStream(File.Create(Path.Combine(folder, "day_2.gz")), CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz))
        {
            foreach (string line in SampleLines(4, 101)) w.Write(line + "\n");
        }

        File.WriteAllText(Path.Combine(folder, "readme.txt"), "not a TSV file: ignored\n");
        return folder;
    }

    private static ClickBatch Concat(params ClickBatch[] batches) => new(
        [.. batches.SelectMany(b => b.Dense)], [.. batches.SelectMany(b => b.Categorical)], [.. batches.SelectMany(b => b.Labels)], batches.Sum(b => b.Count));

    private static ClickBatch Slice(ClickBatch b, int start, int count) => new(
        b.Dense.AsSpan(start * 13, count * 13).ToArray(), b.Categorical.AsSpan(start * 26, count * 26).ToArray(), b.Labels.AsSpan(start, count).ToArray(), count);

    private static void AssertSameExamples(ClickBatch expected, ClickBatch actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Dense, actual.Dense);
        Assert.Equal(expected.Categorical, actual.Categorical);
    }

    private static string[] Names(IEnumerable<string> paths) => paths.Select(p => Path.GetFileName(p)).ToArray();

    private static string Replace(string[] fields, int index, string value)
    {
        var copy = (string[])fields.Clone();
        copy[index] = value;
        return string.Join('\t', copy);
    }

    /// <summary>One raw line decoded independently of <see cref="CriteoTsv"/>: string.Split, Convert.ToUInt64(hex, 16), float64 log.</summary>
    private static ClickBatch Decode(string line)
    {
        string[] f = line.Split('\t');
        var dense = f[1..14].Select(s => s.Length == 0 ? 0f : (float)Math.Log(1 + Math.Max(0, long.Parse(s, CultureInfo.InvariantCulture)))).ToArray();
        var ids = f[14..].Select((s, c) => s.Length == 0 ? 0L : 1 + (long)(Convert.ToUInt64(s, 16) % (ulong)(Tables[c] - 1))).ToArray();
        return new ClickBatch(dense, ids, [f[0] == "1" ? 1f : 0f], 1);
    }

    private static void AssertOneLine(Exception e, params string[] parts)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (string part in parts) Assert.Contains(part, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DaysSplitByPositionAndTheCacheHoldsTheParsedExamples()
    {
        using var dir = new TempDir();
        string folder = WriteDays(dir);
        var tsv = new CriteoTsvFolder(folder);
        Assert.Equal(new[] { "day_0", "day_1", "day_2.gz" }, Names(tsv.Files));
        using var file = tsv.Convert(dir.File("cache/c.bin"), Tables, 1000, 1000, 1000);

        // every day but the last trains, in order; the last day's first half tests, its second half validates
        Assert.Equal((300L, 51L, 50L), (file.SplitCount(DataSplit.Train), file.SplitCount(DataSplit.Validation), file.SplitCount(DataSplit.Test)));
        var day2 = CriteoTsv.Read(Path.Combine(folder, "day_2.gz"), Tables);
        AssertSameExamples(Concat(CriteoTsv.Read(Path.Combine(folder, "day_0"), Tables), CriteoTsv.Read(Path.Combine(folder, "day_1"), Tables)), file.Read(DataSplit.Train, 0, 300));
        AssertSameExamples(Slice(day2, 0, 50), file.Read(DataSplit.Test, 0, 50));
        AssertSameExamples(Slice(day2, 50, 51), file.Read(DataSplit.Validation, 0, 51));
        AssertSameExamples(Decode(File.ReadLines(Path.Combine(folder, "day_1")).Skip(76).First()), file.Read(DataSplit.Train, 225, 1)); // line 77, after the blank one
        AssertSameExamples(Decode(SampleLines(4, 101)[100]), file.Read(DataSplit.Validation, 50, 1));
        Assert.True(double.IsNaN(file.BayesLoss(DataSplit.Validation)));
        Assert.All(file.Probabilities(DataSplit.Train, 0, 10), p => Assert.True(double.IsNaN(p)));
        double positives = Concat(CriteoTsv.Read(Path.Combine(folder, "day_0"), Tables), CriteoTsv.Read(Path.Combine(folder, "day_1"), Tables), day2).Labels.Sum(l => (double)l);
        Assert.Equal(positives / 401, file.PositiveRate, 12);

        // caps keep each split's first examples
        using var capped = tsv.Convert(dir.File("cache/capped.bin"), Tables, 100, 10, 7);
        Assert.Equal((100L, 10L, 7L), (capped.SplitCount(DataSplit.Train), capped.SplitCount(DataSplit.Validation), capped.SplitCount(DataSplit.Test)));
        AssertSameExamples(Slice(file.Read(DataSplit.Train, 0, 300), 0, 100), capped.Read(DataSplit.Train, 0, 100));
        AssertSameExamples(Slice(day2, 50, 10), capped.Read(DataSplit.Validation, 0, 10));
        AssertSameExamples(Slice(day2, 0, 7), capped.Read(DataSplit.Test, 0, 7));
    }

    [Fact]
    public void ThePreparerConvertsOnceAndTheFactoryThenOnlyReadsTheCache()
    {
        using var dir = new TempDir();
        string folder = WriteDays(dir);
        string cacheDir = dir.File("cache");
        var prep = new CriteoTsvCache(folder, cacheDir);
        var pending = prep.Pending(Presets.Tiny);
        Assert.NotNull(pending);
        Assert.Equal(CriteoTsvWorkload.CachePath(Presets.Tiny, folder, cacheDir), pending.Path);
        Assert.Equal(300 + ((131_072L + 4_096 + 4_096) * 161), pending.Bytes); // an upper bound: the caps
        Assert.Contains("at most 139,264 records", pending.Description, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cacheDir)); // Pending writes nothing

        var reports = new List<DataProgress>();
        prep.Prepare(Presets.Tiny, new InlineProgress(reports.Add), CancellationToken.None);
        Assert.Equal([new DataProgress(401, 401)], reports); // fewer than 16,384 records: only the final report
        Assert.Null(prep.Pending(Presets.Tiny));
        var written = File.GetLastWriteTimeUtc(pending.Path).AddMinutes(-5);
        File.SetLastWriteTimeUtc(pending.Path, written);
        using (var workload = CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir)) Assert.Equal(300L, workload.Spec.NumTrainExamples);
        Assert.Equal(written, File.GetLastWriteTimeUtc(pending.Path)); // not converted again

        // a changed source makes it pending again
        File.AppendAllLines(Path.Combine(folder, "day_0"), SampleLines(9, 3));
        Assert.NotNull(prep.Pending(Presets.Tiny));

        // the tables of the gpu preset do not fit a 1 MiB machine: nothing to prepare, the factory refuses them in one line
        Assert.Null(new CriteoTsvCache(folder, cacheDir, availableMemoryBytes: 1 << 20).Pending(Presets.Gpu));
    }

    [Fact]
    public void ThePreparerReportsAMissingFolderInOneLineSayingHowToProvideTheData()
    {
        using var dir = new TempDir();
        string missing = dir.File("nowhere");
        AssertOneLine(Assert.Throws<DirectoryNotFoundException>(() => new CriteoTsvCache(missing, dir.File("c")).Pending(Presets.Tiny)), missing, "does not exist", CriteoTsvWorkload.FolderVariable);
        Assert.False(Directory.Exists(dir.File("c")));
    }

    private sealed class InlineProgress(Action<DataProgress> report) : IProgress<DataProgress>
    {
        public void Report(DataProgress value) => report(value);
    }

    [Fact]
    public void OneFileSplitsByLineFractionAndFilesSortByNumber()
    {
        using var dir = new TempDir();
        string folder = Directory.CreateDirectory(dir.File("one")).FullName;
        File.WriteAllLines(Path.Combine(folder, "train.tsv"), SampleLines(5, 205));
        using var file = new CriteoTsvFolder(folder).Convert(dir.File("c.bin"), Tables, 1000, 1000, 1000);
        var all = CriteoTsv.Read(Path.Combine(folder, "train.tsv"), Tables);
        // n = 205: the last ⌊n/10⌋ = 20 validate, the 20 before them test, the first 165 train
        Assert.Equal((165L, 20L, 20L), (file.SplitCount(DataSplit.Train), file.SplitCount(DataSplit.Validation), file.SplitCount(DataSplit.Test)));
        AssertSameExamples(Slice(all, 0, 165), file.Read(DataSplit.Train, 0, 165));
        AssertSameExamples(Slice(all, 165, 20), file.Read(DataSplit.Test, 0, 20));
        AssertSameExamples(Slice(all, 185, 20), file.Read(DataSplit.Validation, 0, 20));

        string names = Directory.CreateDirectory(dir.File("names")).FullName;
        foreach (string n in new[] { "day_10", "day_2", "day_1.gz", "x.tsv", "readme.txt", ".hidden.tsv", "test.txt" }) File.WriteAllText(Path.Combine(names, n), string.Empty);
        Assert.Equal(new[] { "day_1.gz", "day_2", "day_10", "x.tsv" }, Names(CriteoTsvFolder.FindFiles(names)));

        var plan = CriteoTsvFolder.Plan(3, 101);
        Assert.Equal(new CriteoTsvFolder.Segment[] { new(0, 0, long.MaxValue), new(1, 0, long.MaxValue) }, plan[DataSplit.Train]);
        Assert.Equal(new CriteoTsvFolder.Segment[] { new(2, 0, 50) }, plan[DataSplit.Test]);
        Assert.Equal(new CriteoTsvFolder.Segment[] { new(2, 50, 51) }, plan[DataSplit.Validation]);
    }

    [Fact]
    public void TinyWorkloadTrainsAFewStepsEvaluatesAndFreesEveryTensor()
    {
        using var dir = new TempDir();
        string folder = WriteDays(dir);
        using var workload = CriteoTsvWorkload.Create(Presets.Tiny, folder, dir.File("cache"));
        var spec = workload.Spec;
        Assert.Equal((CriteoDlrmWorkloads.DlrmTsv, 300L, 51L, 50L), (spec.Name, spec.NumTrainExamples, spec.NumValidationExamples, spec.NumTestExamples));
        Assert.Equal(CriteoDlrmWorkloads.PlaceholderTarget, spec.ValidationTarget); // borrowed from the synthetic workload
        Assert.Equal(CriteoDlrmWorkloads.Spec(CriteoDlrmWorkloads.Dlrm, Presets.Tiny).MaxRuntimeSeconds, spec.MaxRuntimeSeconds);
        Assert.Equal(Tables, workload.File.TableSizes);
        Assert.True(File.Exists(CriteoTsvWorkload.CachePath(Presets.Tiny, folder, dir.File("cache"))));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = TorchRuntime.LiveTensors;
        using (var model = workload.CreateModel(seed: 1))
        {
            var before = workload.Evaluate(model, DataSplit.Train);
            using (var opt = Adam.For(model, lr: 1e-2))
            using (var stream = workload.TrainBatches(seed: 2, batchSize: 64))
            {
                model.Module.Train();
                for (int step = 0; step < 30; step++)
                {
                    using var scope = new DisposeScope();
                    model.Module.ZeroGrad();
                    workload.Loss(model, stream.Next()).Backward();
                    foreach (var p in model.Parameters) p.Parameter.Data.DensifyGradInPlace();
                    Assert.True(opt.Step());
                }
            }

            var after = workload.Evaluate(model, DataSplit.Train); // its first 51 examples
            var validation = workload.Evaluate(model, DataSplit.Validation);
            Assert.True(after[MetricNames.Loss] < before[MetricNames.Loss] - 0.05, $"train loss {before[MetricNames.Loss]:F4} → {after[MetricNames.Loss]:F4}");
            Assert.True(double.IsFinite(validation[MetricNames.Loss]));
            Assert.InRange(validation[ClickLogWorkload.Auc], 0.0, 1.0);
            Assert.True(double.IsNaN(validation[ClickLogWorkload.BayesLoss])); // unknown for real data
        }

        Assert.Equal(baseline, TorchRuntime.LiveTensors);
    }

    [Fact]
    public void ChangedFilesRebuildTheCacheAndACorruptCacheSaysToDeleteIt()
    {
        using var dir = new TempDir();
        string folder = WriteDays(dir), cacheDir = dir.File("cache");
        string cache = CriteoTsvWorkload.CachePath(Presets.Tiny, folder, cacheDir);
        var old = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir).Dispose();
        File.SetLastWriteTimeUtc(cache, old);

        CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir).Dispose();
        Assert.Equal(old, File.GetLastWriteTimeUtc(cache)); // unchanged files: the cache is reused

        string day0 = Path.Combine(folder, "day_0");
        File.SetLastWriteTimeUtc(day0, old.AddDays(1)); // the same bytes, another modification time
        CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir).Dispose();
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(cache));

        File.AppendAllLines(day0, SampleLines(9, 10)); // another size
        using (var w = CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir)) Assert.Equal(310L, w.Spec.NumTrainExamples);
        Assert.Empty(Directory.GetFiles(cacheDir, "*.tmp"));

        using (var fs = new FileStream(cache, FileMode.Open)) fs.SetLength(fs.Length - 3);
        var e = Assert.Throws<InvalidDataException>(() => CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir));
        AssertOneLine(e, cache, "delete the file");
    }

    [Fact]
    public void BadLinesAreOneLineErrorsNamingFileAndLineAndLeaveNoCache()
    {
        using var dir = new TempDir();
        string folder = WriteDays(dir), cacheDir = dir.File("cache"), day1 = Path.Combine(folder, "day_1");
        var good = File.ReadAllLines(day1);

        void Expect(int line, string bad, params string[] parts)
        {
            var lines = (string[])good.Clone();
            lines[line - 1] = bad;
            File.WriteAllLines(day1, lines);
            var e = Assert.Throws<InvalidDataException>(() => CriteoTsvWorkload.Create(Presets.Tiny, folder, cacheDir));
            AssertOneLine(e, [$"{day1}:{line}: ", .. parts]);
            Assert.False(Directory.Exists(cacheDir) && Directory.EnumerateFileSystemEntries(cacheDir).Any(), "a failed conversion leaves no cache or temporary file");
        }

        string[] f = good[6].Split('\t');
        Expect(7, string.Join('\t', f[..25]), "25 tab-separated fields, expected 40");                 // truncated
        Expect(78, string.Join('\t', f[..39]), "39 tab-separated fields, expected 40", "unlabelled"); // after the blank line 76
        Expect(3, Replace(f, 17, "zz12ab34"), "categorical feature C4 'zz12ab34' is not a hex string");
        Expect(5, Replace(f, 2, "1.5"), "integer feature I2 '1.5' is not an integer");
        Expect(9, Replace(f, 0, "2"), "label '2' is not 0 or 1");
    }

    [Fact]
    public void MissingOrEmptyFoldersAndTooFewExamplesAreOneLineErrors()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope"), empty = Directory.CreateDirectory(dir.File("empty")).FullName;
        AssertOneLine(Assert.Throws<DirectoryNotFoundException>(() => CriteoTsvWorkload.Create(Presets.Tiny, missing, dir.File("c"))), missing, "does not exist", CriteoTsvWorkload.FolderVariable);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "x\n");
        AssertOneLine(Assert.Throws<InvalidDataException>(() => CriteoTsvWorkload.Create(Presets.Tiny, empty, dir.File("c"))), empty, "no Criteo TSV files", CriteoTsvWorkload.FolderVariable);

        File.WriteAllLines(Path.Combine(empty, "day_0"), SampleLines(1, 20));
        File.WriteAllLines(Path.Combine(empty, "day_1"), SampleLines(2, 1));
        AssertOneLine(Assert.Throws<InvalidDataException>(() => CriteoTsvWorkload.Create(Presets.Tiny, empty, dir.File("c"))), "day_1: 1 examples in the last day file", "needs ≥ 2");
        File.Delete(Path.Combine(empty, "day_1"));
        File.WriteAllLines(Path.Combine(empty, "day_0"), SampleLines(1, 9));
        AssertOneLine(Assert.Throws<InvalidDataException>(() => CriteoTsvWorkload.Create(Presets.Tiny, empty, dir.File("c"))), "9 examples in the only TSV file", "needs ≥ 10");
        File.WriteAllLines(Path.Combine(empty, "day_0"), [string.Empty]);
        File.WriteAllLines(Path.Combine(empty, "day_1"), SampleLines(2, 4));
        AssertOneLine(Assert.Throws<InvalidDataException>(() => CriteoTsvWorkload.Create(Presets.Tiny, empty, dir.File("c"))), "the training files", "hold no examples");
    }

    [Fact]
    public void TablesTooLargeForMemoryAreRefusedWithTheirSizeBeforeAnythingIsRead()
    {
        // tiny: 17 tables capped at 1,024 rows + 9 smaller ones (3 + 63 + 10 + 155 + 4 + 976 + 14 + 108 + 36) = 18,777 rows of D = 8
        var tiny = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.DlrmTsv, Presets.Tiny);
        Assert.Equal(18_777L, Tables.Sum());
        Assert.Equal(18_777L * 8 * sizeof(float) * 4, CriteoTsvWorkload.TableTrainingBytes(tiny));
        CriteoTsvWorkload.CheckTablesFit("w", Presets.Tiny, tiny, 18_777L * 8 * 16); // exactly fits

        // QR (m = 4) over 200 rows: 1,024 → 256 + 4 rows
        var qr = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.DlrmQr, Presets.Tiny);
        Assert.Equal(((17 * (256 + 4)) + 1369 - 976 + 244 + 4) * 8L * 16, CriteoTsvWorkload.TableTrainingBytes(qr));

        using var dir = new TempDir();
        string folder = WriteDays(dir);
        var e = Assert.Throws<InvalidOperationException>(() => CriteoTsvWorkload.Create(Presets.Gpu, folder, dir.File("cache"), availableMemoryBytes: 1L << 30));
        var gpu = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.DlrmTsv, Presets.Gpu);
        long rows = gpu.TableSizes.Sum();
        AssertOneLine(e, "criteo_dlrm_tsv at preset gpu", $"{rows.ToString("N0", CultureInfo.InvariantCulture)} rows × 128", "14.1 GiB", "1.0 GiB of memory available");
        Assert.False(Directory.Exists(dir.File("cache")));
    }

    [Fact]
    public void RegisteredWithTheOtherDlrmsAndItsSpecNeedsNoData()
    {
        var d = Assert.Single(CriteoDlrmWorkloads.Descriptors, x => x.Name == CriteoDlrmWorkloads.DlrmTsv);
        Assert.Null(d.VariantOf);
        Assert.Contains("UNCALIBRATED", d.Description);
        Assert.Contains("Bayes floor unknown", d.Description);
        var spec = d.SpecFactory!(Presets.Tiny);
        var synthetic = CriteoDlrmWorkloads.Spec(CriteoDlrmWorkloads.Dlrm, Presets.Tiny);
        Assert.Equal((LossType.SigmoidCrossEntropy, synthetic.ValidationTarget, synthetic.TestTarget, synthetic.MaxRuntimeSeconds, synthetic.StepHint, synthetic.NumTrainExamples),
            (spec.Loss, spec.ValidationTarget, spec.TestTarget, spec.MaxRuntimeSeconds, spec.StepHint, spec.NumTrainExamples));
        Assert.Equal(synthetic.ForwardFlopsPerExample, spec.ForwardFlopsPerExample);
    }
}
