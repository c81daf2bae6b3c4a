using System.Buffers.Binary;

namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// Writes a click-log cache in <see cref="ClickLogFile"/>'s format, record by record and split by split (train, then
/// validation, then test), into a temporary file beside the target (<c>path.PID.tmp</c>) that <see cref="Complete"/>
/// renames into place: an error or a crash never leaves a half-written cache under the final name, and disposing an
/// unfinished writer deletes its temporary file. The header's per-split Bayes loss is the mean binary entropy of the
/// records' probabilities, so it is NaN when any probability is unknown (NaN). Not thread-safe.
/// </summary>
public sealed class ClickLogWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _tmp;
    private readonly long[] _tableSizes;
    private readonly long[] _counts = new long[3];
    private readonly double[] _entropy = new double[3];
    private readonly byte[] _record = new byte[ClickLogFile.RecordBytes];
    private long _positives;
    private DataSplit _split; // the latest record's (Train first)
    private bool _closed;

    /// <summary>Starts a cache for tables of <paramref name="tableSizes"/> rows (26 entries, each in [1, 2^31 − 1]).</summary>
    /// <exception cref="DataNotWritableException">The cache's folder cannot be written (one line saying what to do).</exception>
    public ClickLogWriter(string path, IReadOnlyList<long> tableSizes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tableSizes);
        if (tableSizes.Count != ClickLogSchema.CategoricalFeatures) throw new ArgumentException($"tableSizes needs {ClickLogSchema.CategoricalFeatures} entries (got {tableSizes.Count})", nameof(tableSizes));
        foreach (long v in tableSizes)
        {
            if (v < 1 || v > int.MaxValue) throw new ArgumentException($"tableSizes entries must be in [1, {int.MaxValue}] (got {v})", nameof(tableSizes));
        }

        Path = path;
        _tableSizes = tableSizes.ToArray();
        // a read-only data folder (a sandboxed worker's) is one line saying what to do, not the file system's bare error
        DataFolders.EnsureWritable(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, null, $"the click-log cache {System.IO.Path.GetFileName(path)}");
        _tmp = $"{path}.{Environment.ProcessId}.tmp";
        _stream = new FileStream(_tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _stream.Write(new byte[ClickLogFile.HeaderBytes]);
    }

    /// <summary>The cache's final path.</summary>
    public string Path { get; }

    /// <summary>Records added to <paramref name="split"/> so far.</summary>
    public long Count(DataSplit split) => _counts[(int)split];

    /// <summary>
    /// Appends one record to <paramref name="split"/> (no earlier split than the previous record's): 13 dense features,
    /// 26 ids (each below its table's size), the label and the teacher's click probability (NaN when unknown).
    /// </summary>
    public void Add(DataSplit split, ReadOnlySpan<float> dense, ReadOnlySpan<long> ids, bool label, double probability = double.NaN)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (split < _split) throw new InvalidOperationException($"records come split by split (train, validation, test); got a {split} record after {_split} ones");
        if (dense.Length != ClickLogSchema.DenseFeatures || ids.Length != ClickLogSchema.CategoricalFeatures) throw new ArgumentException($"a record has {ClickLogSchema.DenseFeatures} dense features and {ClickLogSchema.CategoricalFeatures} ids (got {dense.Length} and {ids.Length})");
        var r = _record.AsSpan();
        for (int j = 0; j < dense.Length; j++) BinaryPrimitives.WriteSingleLittleEndian(r[(4 * j)..], dense[j]);
        for (int f = 0; f < ids.Length; f++)
        {
            if (ids[f] < 0 || ids[f] >= _tableSizes[f]) throw new ArgumentOutOfRangeException(nameof(ids), $"id {ids[f]} of feature {f} is outside its table of {_tableSizes[f]} rows");
            BinaryPrimitives.WriteInt32LittleEndian(r[(4 * (ClickLogSchema.DenseFeatures + f))..], (int)ids[f]);
        }

        BinaryPrimitives.WriteSingleLittleEndian(r[(ClickLogFile.RecordBytes - 5)..], (float)probability);
        r[ClickLogFile.RecordBytes - 1] = label ? (byte)1 : (byte)0;
        _stream.Write(r);
        _split = split;
        _counts[(int)split]++;
        _entropy[(int)split] += ClickLogFile.Entropy(probability); // NaN for an unknown probability
        if (label) _positives++;
    }

    /// <summary>
    /// Writes the header (<paramref name="seed"/>: the generator's seed, or any 64-bit tag such as a fingerprint of the
    /// sources), renames the file into place (replacing an older cache) and opens it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A split has no record.</exception>
    public ClickLogFile Complete(ulong seed)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_counts.Any(c => c < 1)) throw new InvalidOperationException($"{Path}: every split needs ≥ 1 record (got {string.Join("/", _counts)} train/validation/test)");
        var h = new byte[ClickLogFile.HeaderBytes];
        ClickLogFile.Magic.CopyTo(h, 0);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(8), ClickLogFile.Version);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(12), ClickLogSchema.DenseFeatures);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(16), ClickLogSchema.CategoricalFeatures);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(20), seed);
        for (int s = 0; s < 3; s++) BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(28 + (8 * s)), _counts[s]);
        for (int f = 0; f < ClickLogSchema.CategoricalFeatures; f++) BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(60 + (8 * f)), _tableSizes[f]);
        int o = 60 + (8 * ClickLogSchema.CategoricalFeatures);
        for (int s = 0; s < 3; s++) BinaryPrimitives.WriteDoubleLittleEndian(h.AsSpan(o + (8 * s)), _entropy[s] / _counts[s]);
        BinaryPrimitives.WriteDoubleLittleEndian(h.AsSpan(o + 24), _positives / (double)_counts.Sum());
        _stream.Position = 0;
        _stream.Write(h);
        _stream.Dispose();
        _closed = true;
        File.Move(_tmp, Path, overwrite: true);
        return new ClickLogFile(Path);
    }

    /// <summary>Closes the writer; an unfinished cache's temporary file is deleted.</summary>
    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        _stream.Dispose();
        File.Delete(_tmp);
    }
}
