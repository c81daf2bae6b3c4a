using System.Text.RegularExpressions;

namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// A folder of real Criteo TSV files (<see cref="CriteoTsv"/>'s format) and its one-time conversion to a click-log
/// cache (<see cref="ClickLogFile"/>; the teacher probabilities are unknown, stored as NaN, so the Bayes loss is NaN).
/// <list type="bullet">
/// <item><b>Files</b>: the folder's regular files named <c>day_N</c> (Criteo 1TB's names) or <c>*.tsv</c>, each
/// optionally compressed as <c>.gz</c>; no others (so the Kaggle archive's <c>readme.txt</c> and unlabelled
/// <c>test.txt</c> are ignored; its labelled <c>train.txt</c> must be renamed or linked to <c>train.tsv</c>). Ordered by
/// name with digit runs compared as numbers (<c>day_2</c> before <c>day_10</c>).</item>
/// <item><b>Splits by position</b>, as AlgoPerf's <c>criteo1tb</c> (which trains on days 0–22 and splits day 23): with
/// two or more files, every file but the last is training data, in order; the last file's n examples are cut in
/// halves, the first ⌊n/2⌋ the test split and the rest the validation split. A single file of n examples is cut by
/// position: the first n − 2⌊n/10⌋ train, the next ⌊n/10⌋ test, the last ⌊n/10⌋ validation.</item>
/// <item><b>Caps</b>: each split keeps only its first examples up to the caller's cap (the preset's split sizes), so a
/// small preset reads the start of the first day, not the whole log.</item>
/// <item><b>Cache invalidation</b>: the cache's header carries a fingerprint of the files (names, sizes, modification
/// times), the table sizes, the caps and <see cref="ConversionVersion"/>; when any of them changes
/// <see cref="OpenOrConvert"/> converts again. A corrupt or truncated cache is a one-line error naming it and saying to
/// delete it.</item>
/// </list>
/// Conversion is sequential (one pass over the read lines, plus one counting pass over the held-out file) and untimed;
/// only the lines converted are parsed and checked. Thread-safe (immutable; conversion writes through a temporary file).
/// </summary>
public sealed partial class CriteoTsvFolder
{
    /// <summary>Part of every cache fingerprint: bump it when the same files would convert to other records.</summary>
    public const int ConversionVersion = 1;

    /// <summary>Records converted between two progress reports and cancellation checks.</summary>
    private const int ProgressEvery = 16384;

    /// <summary>A single file holds out ⌊n / this⌋ examples for test and as many for validation.</summary>
    public const int SingleFileHeldOutDivisor = 10;

    /// <summary>Lists the TSV files of <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="installHint">Appended to the errors: how to get the data.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no Criteo TSV file.</exception>
    public CriteoTsvFolder(string folder, string installHint = "")
    {
        ArgumentNullException.ThrowIfNull(folder);
        string hint = string.IsNullOrEmpty(installHint) ? string.Empty : " " + installHint;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Criteo TSV folder {folder} does not exist.{hint}");
        Folder = folder;
        Files = FindFiles(folder);
        if (Files.Count == 0) throw new InvalidDataException($"{folder}: no Criteo TSV files (day_N, *.tsv, either optionally .gz).{hint}");
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The TSV files, full paths in split order (at least one).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The Criteo TSV files of <paramref name="folder"/> in split order (see the class remarks); empty when there are none.</summary>
    public static IReadOnlyList<string> FindFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(p => TsvName().IsMatch(Path.GetFileName(p)))
            .OrderBy(p => NaturalKey(Path.GetFileName(p)), StringComparer.Ordinal)
            .Select(p => Path.GetFullPath(p))
            .ToList();

    /// <summary>
    /// Where each split's examples come from for <paramref name="files"/> files whose last holds
    /// <paramref name="lastFileExamples"/> examples: per split, (file index, first example, count) segments in order
    /// (count <see cref="long.MaxValue"/> = to the file's end).
    /// </summary>
    internal static IReadOnlyDictionary<DataSplit, Segment[]> Plan(int files, long lastFileExamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(files, 1);
        if (files >= 2)
        {
            long half = lastFileExamples / 2;
            return new Dictionary<DataSplit, Segment[]>
            {
                [DataSplit.Train] = Enumerable.Range(0, files - 1).Select(f => new Segment(f, 0, long.MaxValue)).ToArray(),
                [DataSplit.Test] = [new Segment(files - 1, 0, half)],
                [DataSplit.Validation] = [new Segment(files - 1, half, lastFileExamples - half)],
            };
        }

        long m = lastFileExamples / SingleFileHeldOutDivisor, train = lastFileExamples - (2 * m);
        return new Dictionary<DataSplit, Segment[]>
        {
            [DataSplit.Train] = [new Segment(0, 0, train)],
            [DataSplit.Test] = [new Segment(0, train, m)],
            [DataSplit.Validation] = [new Segment(0, train + m, m)],
        };
    }

    /// <summary>
    /// A 64-bit fingerprint of what the cache would be built from: <see cref="ConversionVersion"/>, each file's name,
    /// size and modification time, the table sizes and the three caps.
    /// </summary>
    public ulong Fingerprint(IReadOnlyList<long> tableSizes, long trainCap, long validationCap, long testCap)
    {
        ArgumentNullException.ThrowIfNull(tableSizes);
        ulong h = Mix(0xC817E0C0FFEEUL, ConversionVersion);
        foreach (string path in Files)
        {
            var info = new FileInfo(path);
            foreach (char c in info.Name) h = Mix(h, c);
            h = Mix(Mix(h, (ulong)info.Length), (ulong)info.LastWriteTimeUtc.Ticks);
        }

        foreach (long v in tableSizes) h = Mix(h, (ulong)v);
        return Mix(Mix(Mix(h, (ulong)trainCap), (ulong)validationCap), (ulong)testCap);
    }

    /// <summary>
    /// Opens the cache at <paramref name="cachePath"/> if it was converted from these files with these settings
    /// (<see cref="Fingerprint"/>), else converts the files into it (<see cref="Convert"/>; replacing an outdated cache).
    /// </summary>
    /// <exception cref="InvalidDataException">The cache exists but is corrupt or truncated (the message says to delete it), or the TSV data is bad (see <see cref="Convert"/>).</exception>
    public ClickLogFile OpenOrConvert(
        string cachePath, IReadOnlyList<long> tableSizes, long trainCap, long validationCap, long testCap,
        IProgress<DataProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(cachePath);
        ulong fingerprint = Fingerprint(tableSizes, trainCap, validationCap, testCap);
        if (File.Exists(cachePath))
        {
            var file = new ClickLogFile(cachePath); // a corrupt or truncated cache: one line naming it, "delete the file to regenerate it"
            if (file.Seed == fingerprint && file.TableSizes.SequenceEqual(tableSizes)) return file;
            file.Dispose();
        }

        return Convert(cachePath, tableSizes, trainCap, validationCap, testCap, progress, cancellation);
    }

    /// <summary>
    /// Whether <paramref name="cachePath"/> holds an up-to-date conversion of these files with these settings (what
    /// <see cref="OpenOrConvert"/> would open without converting): false when there is none or it is outdated; reads
    /// only the cache's header and the files' names, sizes and times.
    /// </summary>
    /// <exception cref="InvalidDataException">The cache exists but is corrupt or truncated (the message says to delete it).</exception>
    public bool IsConverted(string cachePath, IReadOnlyList<long> tableSizes, long trainCap, long validationCap, long testCap)
    {
        ArgumentNullException.ThrowIfNull(cachePath);
        if (!File.Exists(cachePath)) return false;
        using var file = new ClickLogFile(cachePath);
        return file.Seed == Fingerprint(tableSizes, trainCap, validationCap, testCap) && file.TableSizes.SequenceEqual(tableSizes);
    }

    /// <summary>
    /// Converts the files into a cache at <paramref name="cachePath"/> (through a temporary file; an error leaves no
    /// cache), each split keeping at most its cap of examples, with categories hashed into <paramref name="tableSizes"/>
    /// (<see cref="CriteoTsv.CategoryId"/>), and opens it.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A converted line is truncated or holds a bad value (<c>file:line: …</c>), or a split would be empty (too few
    /// examples; the message says how many the rule needs).
    /// </exception>
    /// <remarks>
    /// <paramref name="progress"/> hears the records written so far (every 16,384) of at most the three caps' sum;
    /// <paramref name="cancellation"/> is checked as often (the temporary file is then deleted).
    /// </remarks>
    public ClickLogFile Convert(
        string cachePath, IReadOnlyList<long> tableSizes, long trainCap, long validationCap, long testCap,
        IProgress<DataProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(cachePath);
        CriteoTsv.CheckTableSizes(tableSizes);
        if (trainCap < 1 || validationCap < 1 || testCap < 1) throw new ArgumentException($"split caps must all be ≥ 1 (got {trainCap}/{validationCap}/{testCap})");
        ulong fingerprint = Fingerprint(tableSizes, trainCap, validationCap, testCap);
        string last = Files[^1];
        long n = CriteoTsv.Lines(last).LongCount();
        if (Files.Count >= 2 && n < 2) throw new InvalidDataException($"{last}: {n} examples in the last day file, which is cut in halves into test and validation; it needs ≥ 2");
        if (Files.Count == 1 && n < SingleFileHeldOutDivisor) throw new InvalidDataException($"{last}: {n} examples in the only TSV file, which gives a tenth each to test and validation; it needs ≥ {SingleFileHeldOutDivisor}");
        var plan = Plan(Files.Count, n);
        var dense = new float[ClickLogSchema.DenseFeatures];
        var ids = new long[ClickLogSchema.CategoricalFeatures];
        using var writer = new ClickLogWriter(cachePath, tableSizes);
        long written = 0, most = trainCap + validationCap + testCap;
        foreach (var (split, cap) in new[] { (DataSplit.Train, trainCap), (DataSplit.Validation, validationCap), (DataSplit.Test, testCap) })
        {
            foreach (var segment in plan[split])
            {
                string path = Files[segment.File];
                long index = -1;
                foreach (var (text, line) in CriteoTsv.Lines(path))
                {
                    if (writer.Count(split) >= cap) break;
                    index++;
                    if (index < segment.First) continue;
                    if (index - segment.First >= segment.Count) break;
                    bool label = CriteoTsv.ParseLine(text, tableSizes, dense, ids, path, line);
                    writer.Add(split, dense, ids, label); // the click probability is unknown: NaN
                    if (++written % ProgressEvery == 0)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        progress?.Report(new DataProgress(written, most));
                    }
                }
            }

            if (split == DataSplit.Train && writer.Count(split) == 0) throw new InvalidDataException($"{Folder}: the training files (every TSV file but the last, {Path.GetFileName(last)}) hold no examples"); // the plan gives validation and test ≥ 1
        }

        var converted = writer.Complete(fingerprint);
        progress?.Report(new DataProgress(written, written));
        return converted;
    }

    private static ulong Mix(ulong h, ulong x) => new SplitMix64(h ^ (x * 0xD1B54A32D192ED03UL)).NextUInt64();

    private static string NaturalKey(string name) => Digits().Replace(name, m => m.Value.PadLeft(20, '0'));

    [GeneratedRegex(@"^(day_\d+|[^.].*\.tsv)(\.gz)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TsvName();

    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Digits();

    /// <summary>Examples <see cref="First"/> … <see cref="First"/> + <see cref="Count"/> − 1 (0-based, empty lines not counted) of file <see cref="File"/>.</summary>
    internal readonly record struct Segment(int File, long First, long Count);
}
