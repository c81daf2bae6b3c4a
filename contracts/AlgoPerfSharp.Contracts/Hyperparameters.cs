using System.Collections.ObjectModel;
using System.Globalization;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One point of a search space: hyperparameter name → value (a number, a boolean or a string). Immutable.
/// Typed getters throw <see cref="KeyNotFoundException"/> / <see cref="ArgumentException"/> naming the key.
/// </summary>
public sealed class Hyperparameters
{
    private readonly ReadOnlyDictionary<string, object> _values;

    /// <summary>Creates a point from name → value (double, long, int, bool or string).</summary>
    public Hyperparameters(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in values)
        {
            copy[k] = v switch
            {
                double or bool or string => v,
                float f => (double)f,
                int i => (double)i,
                long l => (double)l,
                _ => throw new ArgumentException($"hyperparameter '{k}' has unsupported type {v?.GetType().Name ?? "null"} (use a number, bool or string)", nameof(values)),
            };
        }

        _values = new ReadOnlyDictionary<string, object>(copy);
    }

    /// <summary>No hyperparameters (the self-tuning ruleset).</summary>
    public static Hyperparameters Empty { get; } = new(new Dictionary<string, object>());

    /// <summary>All values.</summary>
    public IReadOnlyDictionary<string, object> Values => _values;

    /// <summary>True when <paramref name="name"/> is set.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>A numeric value.</summary>
    public double GetDouble(string name) => Get(name) switch
    {
        double d => d,
        var other => throw new ArgumentException($"hyperparameter '{name}' is {Describe(other)}, not a number"),
    };

    /// <summary>A numeric value, or <paramref name="fallback"/> when absent.</summary>
    public double GetDouble(string name, double fallback) => Contains(name) ? GetDouble(name) : fallback;

    /// <summary>An integral value (the number must be whole).</summary>
    public long GetInt64(string name)
    {
        double d = GetDouble(name);
        if (d != Math.Floor(d) || double.IsInfinity(d)) throw new ArgumentException($"hyperparameter '{name}' = {d} is not a whole number");
        return (long)d;
    }

    /// <summary>An integral value, or <paramref name="fallback"/> when absent.</summary>
    public long GetInt64(string name, long fallback) => Contains(name) ? GetInt64(name) : fallback;

    /// <summary>A boolean value.</summary>
    public bool GetBoolean(string name, bool? fallback = null)
    {
        if (!Contains(name) && fallback.HasValue) return fallback.Value;
        return Get(name) switch
        {
            bool b => b,
            var other => throw new ArgumentException($"hyperparameter '{name}' is {Describe(other)}, not a boolean"),
        };
    }

    /// <summary>A string value.</summary>
    public string GetString(string name, string? fallback = null)
    {
        if (!Contains(name) && fallback is not null) return fallback;
        return Get(name) switch
        {
            string s => s,
            var other => throw new ArgumentException($"hyperparameter '{name}' is {Describe(other)}, not a string"),
        };
    }

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public Hyperparameters With(string name, object value)
    {
        var d = new Dictionary<string, object>(_values, StringComparer.Ordinal) { [name] = value };
        return new Hyperparameters(d);
    }

    private object Get(string name) =>
        _values.TryGetValue(name, out var v) ? v
            : throw new KeyNotFoundException($"hyperparameter '{name}' is not set (have: {string.Join(", ", _values.Keys.Order(StringComparer.Ordinal))})");

    private static string Describe(object v) => v switch
    {
        string s => $"the string \"{s}\"",
        bool b => $"the boolean {b.ToString().ToLowerInvariant()}",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "null",
    };

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", _values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Format(kv.Value)}"));

    private static string Format(object v) => v switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => v.ToString() ?? string.Empty,
    };
}
