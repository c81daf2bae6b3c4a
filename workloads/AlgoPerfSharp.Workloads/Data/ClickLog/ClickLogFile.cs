using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// A binary click-log cache: a 300-byte header (magic <c>APSCLOG1</c>, layout, seed, split sizes, the 26 table sizes,
/// the Bayes-optimal log loss of each split and the positive rate) followed by fixed-size little-endian records
/// (13 float32 dense features, 26 int32 ids, float32 teacher probability — NaN when unknown, as for real Criteo
/// data — uint8 label). Splits are by position: train first, then validation, then test (as Criteo's days). Written
/// once by a <see cref="ClickLogWriter"/> (<see cref="Write"/>, <see cref="CriteoTsvFolder.OpenOrConvert"/>); read with
/// positioned reads, so concurrent <see cref="Read"/> calls are thread-safe.
/// </summary>
public sealed class ClickLogFile : IDisposable
{
    /// <summary>Bytes of one record.</summary>
    public const int RecordBytes = (ClickLogSchema.DenseFeatures * 4) + (ClickLogSchema.CategoricalFeatures * 4) + 4 + 1;

    /// <summary>Bytes of the header.</summary>
    public const int HeaderBytes = 8 + (3 * 4) + (5 * 8) + (ClickLogSchema.CategoricalFeatures * 8) + (4 * 8);

    /// <summary>Layout version in the header.</summary>
    internal const int Version = 1;

    /// <summary>The header's first 8 bytes.</summary>
    internal static readonly byte[] Magic = "APSCLOG1"u8.ToArray();

    private readonly SafeFileHandle _handle;
    private readonly long[] _splitStart;
    private readonly long[] _splitCount;
    private readonly double[] _bayes;

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a complete click-log cache (the message names it and says how to regenerate it).</exception>
    public ClickLogFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"click-log cache {path} does not exist", path);
        Path = path;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(_handle);
            if (length < HeaderBytes) throw Corrupt($"{length} bytes is shorter than the {HeaderBytes}-byte header");
            var h = new byte[HeaderBytes];
            RandomAccess.Read(_handle, h, 0);
            if (!h.AsSpan(0, 8).SequenceEqual(Magic)) throw Corrupt("it does not start with APSCLOG1");
            int version = BinaryPrimitives.ReadInt32LittleEndian(h.AsSpan(8));
            int dense = BinaryPrimitives.ReadInt32LittleEndian(h.AsSpan(12));
            int cat = BinaryPrimitives.ReadInt32LittleEndian(h.AsSpan(16));
            if (version != Version || dense != ClickLogSchema.DenseFeatures || cat != ClickLogSchema.CategoricalFeatures) throw Corrupt($"layout v{version} {dense}+{cat} is not v{Version} 13+26");
            Seed = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(20));
            _splitCount = [ReadLong(h, 28), ReadLong(h, 36), ReadLong(h, 44)];
            if (_splitCount.Any(c => c < 1)) throw Corrupt($"split sizes {string.Join("/", _splitCount)} must all be ≥ 1");
            Count = _splitCount.Sum();
            var sizes = new long[ClickLogSchema.CategoricalFeatures];
            for (int f = 0; f < sizes.Length; f++)
            {
                sizes[f] = ReadLong(h, 60 + (8 * f));
                if (sizes[f] < 1 || sizes[f] > int.MaxValue) throw Corrupt($"table {f} has {sizes[f]} rows");
            }

            TableSizes = sizes;
            int o = 60 + (8 * ClickLogSchema.CategoricalFeatures);
            _bayes = [ReadDouble(h, o), ReadDouble(h, o + 8), ReadDouble(h, o + 16)];
            PositiveRate = ReadDouble(h, o + 24);
            long expected = HeaderBytes + (Count * RecordBytes);
            if (length != expected) throw Corrupt($"{length} bytes, but its header promises {Count} records = {expected} bytes");
            _splitStart = [0, _splitCount[0], _splitCount[0] + _splitCount[1]];
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The generator's seed (a synthetic log), or the fingerprint of the sources (a converted Criteo TSV log: <see cref="CriteoTsvFolder"/>).</summary>
    public ulong Seed { get; }

    /// <summary>Records in all splits.</summary>
    public long Count { get; }

    /// <summary>Rows of each of the 26 tables (every id in the file is below its table's size).</summary>
    public IReadOnlyList<long> TableSizes { get; }

    /// <summary>Fraction of positive labels over all records.</summary>
    public double PositiveRate { get; }

    /// <summary>Records in <paramref name="split"/>.</summary>
    public long SplitCount(DataSplit split) => _splitCount[(int)split];

    /// <summary>
    /// The Bayes-optimal expected log loss (nats) on <paramref name="split"/>: the mean binary entropy of the teacher's
    /// probability over its examples. The floor of any model's expected validation/test loss. NaN when the
    /// probabilities are unknown (a converted Criteo TSV log).
    /// </summary>
    public double BayesLoss(DataSplit split) => _bayes[(int)split];

    /// <summary>Records <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of <paramref name="split"/>.</summary>
    /// <exception cref="InvalidDataException">A record holds an id outside its table (the file is corrupt).</exception>
    public ClickBatch Read(DataSplit split, long start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (start + count > SplitCount(split)) throw new ArgumentOutOfRangeException(nameof(count), $"records {start}+{count} pass the end of the {split} split ({SplitCount(split)})");
        long first = _splitStart[(int)split] + start;
        var bytes = new byte[(long)count * RecordBytes];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_handle, bytes.AsSpan(read), HeaderBytes + (first * RecordBytes) + read);
            if (n == 0) throw Corrupt("it ended early");
            read += n;
        }

        var dense = new float[count * ClickLogSchema.DenseFeatures];
        var ids = new long[count * ClickLogSchema.CategoricalFeatures];
        var labels = new float[count];
        for (int i = 0; i < count; i++)
        {
            var r = bytes.AsSpan(i * RecordBytes, RecordBytes);
            for (int j = 0; j < ClickLogSchema.DenseFeatures; j++) dense[(i * ClickLogSchema.DenseFeatures) + j] = BinaryPrimitives.ReadSingleLittleEndian(r[(4 * j)..]);
            for (int f = 0; f < ClickLogSchema.CategoricalFeatures; f++)
            {
                int id = BinaryPrimitives.ReadInt32LittleEndian(r[(4 * (ClickLogSchema.DenseFeatures + f))..]);
                if (id < 0 || id >= TableSizes[f]) throw Corrupt($"record {first + i} has id {id} for feature {f}, outside its table of {TableSizes[f]} rows");
                ids[(i * ClickLogSchema.CategoricalFeatures) + f] = id;
            }

            labels[i] = r[RecordBytes - 1];
        }

        return new ClickBatch(dense, ids, labels, count);
    }

    /// <summary>The teacher probabilities (NaN when unknown) of records <paramref name="start"/> … of <paramref name="split"/>.</summary>
    public double[] Probabilities(DataSplit split, long start, int count)
    {
        long first = _splitStart[(int)split] + start;
        var p = new double[count];
        var r = new byte[RecordBytes];
        for (int i = 0; i < count; i++)
        {
            RandomAccess.Read(_handle, r, HeaderBytes + ((first + i) * RecordBytes));
            p[i] = BinaryPrimitives.ReadSingleLittleEndian(r.AsSpan(RecordBytes - 5));
        }

        return p;
    }

    /// <summary>
    /// Writes <paramref name="train"/> + <paramref name="validation"/> + <paramref name="test"/> examples of
    /// <paramref name="generator"/> (indices 0, 1, … in that order, generated in parallel chunks) to
    /// <paramref name="path"/> through a <see cref="ClickLogWriter"/> (so a crash never leaves a half-written cache under
    /// the final name) and opens it. <paramref name="progress"/> hears the records written after each chunk;
    /// <paramref name="cancellation"/> is checked between chunks (the temporary file is then deleted).
    /// </summary>
    public static ClickLogFile Write(
        string path, SyntheticClickLog generator, long train, long validation, long test, IProgress<DataProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(generator);
        long[] counts = [train, validation, test];
        if (counts.Any(c => c < 1)) throw new ArgumentException($"split sizes must all be ≥ 1 (got {train}/{validation}/{test})");
        const int Chunk = 16384;
        const int D = ClickLogSchema.DenseFeatures, C = ClickLogSchema.CategoricalFeatures;
        var dense = new float[Chunk * D];
        var ids = new long[Chunk * C];
        var p = new double[Chunk];
        var labels = new bool[Chunk];
        long total = counts.Sum();
        using var writer = new ClickLogWriter(path, generator.TableSizes);
        for (long start = 0; start < total; start += Chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = (int)Math.Min(Chunk, total - start);
            long first = start;
            Parallel.For(0, n, i => p[i] = generator.Example(first + i, dense.AsSpan(i * D, D), ids.AsSpan(i * C, C), out labels[i]));
            for (int i = 0; i < n; i++)
            {
                long k = start + i;
                var split = k < train ? DataSplit.Train : k < train + validation ? DataSplit.Validation : DataSplit.Test;
                writer.Add(split, dense.AsSpan(i * D, D), ids.AsSpan(i * C, C), labels[i], p[i]);
            }

            progress?.Report(new DataProgress(start + n, total));
        }

        return writer.Complete(generator.Seed);
    }

    /// <summary>Opens <paramref name="path"/> if it exists, else writes it (see <see cref="Write"/>).</summary>
    /// <exception cref="InvalidDataException">The file exists but is corrupt or was written with other settings (the message says to delete it).</exception>
    public static ClickLogFile OpenOrWrite(
        string path, SyntheticClickLog generator, long train, long validation, long test, IProgress<DataProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!File.Exists(path)) return Write(path, generator, train, validation, test, progress, cancellation);
        var file = new ClickLogFile(path);
        try
        {
            CheckSettings(file, generator, train, validation, test);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    /// <summary>
    /// Whether <paramref name="path"/> holds the complete cache <see cref="Write"/> would write for these settings:
    /// false when there is no file; reads only its header.
    /// </summary>
    /// <exception cref="InvalidDataException">The file exists but is corrupt or was written with other settings (the message says to delete it).</exception>
    public static bool IsWritten(string path, SyntheticClickLog generator, long train, long validation, long test)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (!File.Exists(path)) return false;
        using var file = new ClickLogFile(path);
        CheckSettings(file, generator, train, validation, test);
        return true;
    }

    /// <summary>Bytes of a cache of <paramref name="records"/> records: the header and the records.</summary>
    public static long Bytes(long records) => HeaderBytes + (records * RecordBytes);

    private static void CheckSettings(ClickLogFile file, SyntheticClickLog generator, long train, long validation, long test)
    {
        if (file.Seed != generator.Seed || file.SplitCount(DataSplit.Train) != train || file.SplitCount(DataSplit.Validation) != validation
            || file.SplitCount(DataSplit.Test) != test || !file.TableSizes.SequenceEqual(generator.TableSizes))
        {
            throw new InvalidDataException($"{file.Path}: this click-log cache was written with other settings (seed, split sizes or table sizes); delete it to regenerate it");
        }
    }

    /// <summary>Binary entropy H(p) in nats: the expected log loss of predicting p when the label is Bernoulli(p); NaN for NaN.</summary>
    public static double Entropy(double p) =>
        p <= 0 || p >= 1 ? 0 : -((p * Math.Log(p)) + ((1 - p) * Math.Log(1 - p)));

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private InvalidDataException Corrupt(string why) =>
        new($"{Path}: not a valid click-log cache ({why}); delete the file to regenerate it");

    private static long ReadLong(byte[] h, int offset) => BinaryPrimitives.ReadInt64LittleEndian(h.AsSpan(offset));

    private static double ReadDouble(byte[] h, int offset) => BinaryPrimitives.ReadDoubleLittleEndian(h.AsSpan(offset));
}
