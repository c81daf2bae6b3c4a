using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Harness.Reports;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// How numbers are written to the database and to AlgoPerf CSV files. JSON has no NaN/∞, so metric and diagnostic
/// values are stored as strings (<c>nan</c>, <c>inf</c>, <c>-inf</c>, or round-trip decimal) and diverged metrics survive
/// the round trip. Names (metric and diagnostic keys, chosen by plugins) are sanitised on the way in and, for rows
/// written before that, on the way out; the first of two keys that sanitise to the same name wins.
/// </summary>
internal static class StoredNumbers
{
    /// <summary>The JSON options of every JSON column.</summary>
    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = false };

    /// <summary>A value as text: <c>nan</c>, <c>inf</c>, <c>-inf</c> or round-trip invariant decimal.</summary>
    public static string Format(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Name → value as a JSON object of name → <see cref="Format"/>ted text.</summary>
    public static string Serialize(IReadOnlyDictionary<string, double> values) =>
        JsonSerializer.Serialize(Keys(values).ToDictionary(kv => kv.Key, kv => Format(kv.Value)), Json);

    /// <summary>The inverse of <see cref="Serialize"/>; a malformed value throws <see cref="FormatException"/> or <see cref="JsonException"/>.</summary>
    public static Dictionary<string, double> Deserialize(string json) =>
        Keys((JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? throw new FormatException("null instead of a JSON object")).ToDictionary(
            kv => kv.Key,
            kv => kv.Value switch
            {
                "nan" => double.NaN,
                "inf" => double.PositiveInfinity,
                "-inf" => double.NegativeInfinity,
                var s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            }));

    private static Dictionary<string, double> Keys(IEnumerable<KeyValuePair<string, double>> values)
    {
        var clean = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (k, v) in values) clean.TryAdd(SafeText.Key(k), v);
        return clean;
    }
}
