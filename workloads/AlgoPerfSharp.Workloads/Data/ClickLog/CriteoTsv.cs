using System.Globalization;
using System.IO.Compression;

namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// Reads the real Criteo display-ads TSV format: per line a 0/1 label, 13 integer features and 26 categorical features
/// as hex strings (8 digits in Criteo's files; up to 16 accepted), tab-separated; any feature may be empty (missing).
/// Dense features become <c>log(1 + max(x, 0))</c> with missing = 0, as AlgoPerf's pipeline does (and the synthetic
/// log's features are). A categorical value v goes to row <c>1 + v mod (V − 1)</c> of its table of V rows, row 0 being
/// reserved for a missing value: Criteo's own convention of hashing by value mod table size (the DLRM reference's
/// <c>--max-ind-range</c>), shifted by one so that a missing category does not share a row with the value 0.
/// Files ending in <c>.gz</c> are decompressed on the fly; empty lines are skipped (line numbers count them).
/// </summary>
public static class CriteoTsv
{
    /// <summary>Fields per line: label + 13 + 26.</summary>
    public const int Fields = 1 + ClickLogSchema.DenseFeatures + ClickLogSchema.CategoricalFeatures;

    /// <summary>The table row of a missing categorical value.</summary>
    public const long MissingId = 0;

    /// <summary>Reads up to <paramref name="maxRows"/> examples of <paramref name="path"/>, hashing categories into tables of <paramref name="tableSizes"/>.</summary>
    /// <exception cref="InvalidDataException">A line is truncated or holds a bad value (the message names file, line and field), or the file has no example.</exception>
    public static ClickBatch Read(string path, IReadOnlyList<long> tableSizes, int maxRows = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckTableSizes(tableSizes);
        var dense = new List<float>();
        var ids = new List<long>();
        var labels = new List<float>();
        var d = new float[ClickLogSchema.DenseFeatures];
        var c = new long[ClickLogSchema.CategoricalFeatures];
        foreach (var (text, line) in Lines(path))
        {
            if (labels.Count >= maxRows) break;
            labels.Add(ParseLine(text, tableSizes, d, c, path, line) ? 1f : 0f);
            dense.AddRange(d);
            ids.AddRange(c);
        }

        if (labels.Count == 0) throw new InvalidDataException($"{path}: no examples (an empty Criteo TSV file)");
        return new ClickBatch(dense.ToArray(), ids.ToArray(), labels.ToArray(), labels.Count);
    }

    /// <summary>
    /// Parses one line into <paramref name="dense"/> (13) and <paramref name="ids"/> (26) and returns its label;
    /// <paramref name="path"/> and <paramref name="line"/> only name the place in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">Not 40 fields, a label other than 0/1, a non-integer dense value or a non-hex category (one line: <c>file:line: …</c>).</exception>
    public static bool ParseLine(ReadOnlySpan<char> text, IReadOnlyList<long> tableSizes, Span<float> dense, Span<long> ids, string path, long line)
    {
        ArgumentNullException.ThrowIfNull(tableSizes);
        if (dense.Length != ClickLogSchema.DenseFeatures || ids.Length != ClickLogSchema.CategoricalFeatures) throw new ArgumentException($"dense needs {ClickLogSchema.DenseFeatures} slots and ids {ClickLogSchema.CategoricalFeatures}");
        int fields = text.Count('\t') + 1;
        if (fields != Fields)
        {
            throw new InvalidDataException($"{path}:{line}: {fields} tab-separated fields, expected {Fields} (label, 13 integers, 26 hex categories; empty fields are allowed, missing tabs are not{(fields == Fields - 1 ? "; an unlabelled test file has 39" : string.Empty)})");
        }

        bool label = false;
        for (int field = 0; field < Fields; field++)
        {
            int tab = text.IndexOf('\t');
            var s = tab < 0 ? text : text[..tab];
            text = tab < 0 ? ReadOnlySpan<char>.Empty : text[(tab + 1)..];
            if (field == 0)
            {
                label = s switch
                {
                    "0" => false,
                    "1" => true,
                    _ => throw new InvalidDataException($"{path}:{line}: label '{s}' is not 0 or 1"),
                };
            }
            else if (field <= ClickLogSchema.DenseFeatures)
            {
                long x = 0;
                if (s.Length > 0 && !long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out x)) throw new InvalidDataException($"{path}:{line}: integer feature I{field} '{s}' is not an integer");
                dense[field - 1] = (float)Math.Log(1.0 + Math.Max(x, 0));
            }
            else
            {
                int f = field - 1 - ClickLogSchema.DenseFeatures;
                if (s.Length == 0)
                {
                    ids[f] = MissingId;
                }
                else if (ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
                {
                    ids[f] = CategoryId(v, tableSizes[f]);
                }
                else
                {
                    throw new InvalidDataException($"{path}:{line}: categorical feature C{f + 1} '{s}' is not a hex string (at most 16 hex digits)");
                }
            }
        }

        return label;
    }

    /// <summary>The row of categorical value <paramref name="value"/> in a table of <paramref name="tableSize"/> (≥ 2) rows: 1 + value mod (size − 1).</summary>
    public static long CategoryId(ulong value, long tableSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tableSize, 2);
        return 1 + (long)(value % (ulong)(tableSize - 1));
    }

    /// <summary>Opens <paramref name="path"/> as text, decompressing it when its name ends in <c>.gz</c>.</summary>
    public static StreamReader OpenText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return new StreamReader(s, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
    }

    /// <summary>The non-empty lines of <paramref name="path"/> with their 1-based line numbers (empty lines counted), read lazily.</summary>
    internal static IEnumerable<(string Text, long Line)> Lines(string path)
    {
        using var reader = OpenText(path);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length > 0) yield return (text, line);
        }
    }

    /// <summary>Throws unless there are 26 table sizes, each in [2, 2^31 − 1] (row 0 is reserved for missing values).</summary>
    internal static void CheckTableSizes(IReadOnlyList<long> tableSizes)
    {
        ArgumentNullException.ThrowIfNull(tableSizes);
        if (tableSizes.Count != ClickLogSchema.CategoricalFeatures) throw new ArgumentException($"tableSizes needs {ClickLogSchema.CategoricalFeatures} entries (got {tableSizes.Count})", nameof(tableSizes));
        foreach (long v in tableSizes)
        {
            if (v < 2 || v > int.MaxValue) throw new ArgumentException($"tableSizes entries must be in [2, {int.MaxValue}] (got {v}): row 0 is reserved for missing categories", nameof(tableSizes));
        }
    }
}
