using System.Globalization;

namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// Reads the real Criteo display-ads TSV format: per line a 0/1 label, 13 integer features and 26 categorical features
/// as 8-digit hex strings, tab-separated; any feature may be empty (missing). Dense features become
/// <c>log(1 + max(x, 0))</c> (missing = 0), as AlgoPerf's pipeline does; a categorical value (missing = the empty
/// string) is hashed with its feature number into its table (<c>hash % size</c>), as AlgoPerf hashes into its vocabularies.
/// </summary>
public static class CriteoTsv
{
    /// <summary>Fields per line: label + 13 + 26.</summary>
    public const int Fields = 1 + ClickLogSchema.DenseFeatures + ClickLogSchema.CategoricalFeatures;

    /// <summary>Reads up to <paramref name="maxRows"/> lines of <paramref name="path"/>, hashing categories into tables of <paramref name="tableSizes"/>.</summary>
    /// <exception cref="InvalidDataException">A line is truncated or holds a bad value (the message names file, line and field).</exception>
    public static ClickBatch Read(string path, IReadOnlyList<long> tableSizes, int maxRows = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tableSizes);
        if (tableSizes.Count != ClickLogSchema.CategoricalFeatures) throw new ArgumentException($"tableSizes needs {ClickLogSchema.CategoricalFeatures} entries (got {tableSizes.Count})", nameof(tableSizes));
        var dense = new List<float>();
        var ids = new List<long>();
        var labels = new List<float>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            if (labels.Count >= maxRows) break;
            line++;
            if (text.Length == 0) continue;
            string[] f = text.Split('\t');
            if (f.Length != Fields) throw new InvalidDataException($"{path}:{line}: {f.Length} tab-separated fields, expected {Fields} (label, 13 integers, 26 hex categories; empty fields are allowed, missing tabs are not)");
            labels.Add(f[0] switch
            {
                "0" => 0f,
                "1" => 1f,
                _ => throw new InvalidDataException($"{path}:{line}: label '{f[0]}' is not 0 or 1"),
            });
            for (int j = 0; j < ClickLogSchema.DenseFeatures; j++)
            {
                string s = f[1 + j];
                long x = 0;
                if (s.Length > 0 && !long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out x)) throw new InvalidDataException($"{path}:{line}: integer feature I{j + 1} '{s}' is not an integer");
                dense.Add((float)Math.Log(1 + Math.Max(x, 0)));
            }

            for (int c = 0; c < ClickLogSchema.CategoricalFeatures; c++)
            {
                string s = f[1 + ClickLogSchema.DenseFeatures + c];
                ulong v = ulong.MaxValue; // missing
                if (s.Length > 0 && !ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v)) throw new InvalidDataException($"{path}:{line}: categorical feature C{c + 1} '{s}' is not a hex string");
                ids.Add((long)(Hash(v, (ulong)c) % (ulong)tableSizes[c]));
            }
        }

        if (labels.Count == 0) throw new InvalidDataException($"{path}: no examples (an empty Criteo TSV file)");
        return new ClickBatch(dense.ToArray(), ids.ToArray(), labels.ToArray(), labels.Count);
    }

    /// <summary>The category hash: SplitMix64's finaliser of (value, feature).</summary>
    public static ulong Hash(ulong value, ulong feature) => new SplitMix64(value ^ (feature * 0xD1B54A32D192ED03UL)).NextUInt64();
}
