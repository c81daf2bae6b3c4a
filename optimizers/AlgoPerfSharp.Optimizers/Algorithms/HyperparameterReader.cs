using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>Reads a trial's hyperparameters with fallback to an algorithm's defaults and validation that names the field.</summary>
public sealed class HyperparameterReader
{
    private readonly Hyperparameters _values;
    private readonly Hyperparameters _defaults;

    /// <summary>Reads <paramref name="values"/>, falling back to <paramref name="defaults"/>.</summary>
    public HyperparameterReader(Hyperparameters values, Hyperparameters defaults)
    {
        _values = values ?? throw new ArgumentNullException(nameof(values));
        _defaults = defaults ?? throw new ArgumentNullException(nameof(defaults));
    }

    /// <summary>A number (trial value, else default).</summary>
    public double Get(string name) => _values.Contains(name) ? _values.GetDouble(name) : _defaults.GetDouble(name);

    /// <summary>A number, or <paramref name="fallback"/> when neither trial nor defaults set it.</summary>
    public double Get(string name, double fallback) =>
        _values.Contains(name) ? _values.GetDouble(name) : _defaults.GetDouble(name, fallback);

    /// <summary>A boolean.</summary>
    public bool GetBoolean(string name, bool fallback) =>
        _values.Contains(name) ? _values.GetBoolean(name) : _defaults.GetBoolean(name, fallback);

    /// <summary>A string.</summary>
    public string GetString(string name, string fallback) =>
        _values.Contains(name) ? _values.GetString(name) : _defaults.GetString(name, fallback);

    /// <summary>A number that must be &gt; 0.</summary>
    public double Positive(string name)
    {
        double v = Get(name);
        if (!(v > 0) || double.IsInfinity(v)) throw new ArgumentException($"{name} must be a finite number > 0 (got {v})");
        return v;
    }

    /// <summary>A number that must lie in [lo, hi].</summary>
    public double InRange(string name, double lo, double hi)
    {
        double v = Get(name);
        if (!(v >= lo && v <= hi)) throw new ArgumentException($"{name} must be in [{lo}, {hi}] (got {v})");
        return v;
    }

    /// <summary>A whole number ≥ 1 (block sizes, frequencies, iteration counts), naming the field when not.</summary>
    public int PositiveInt(string name)
    {
        double v = Get(name);
        if (!(v >= 1) || v != Math.Floor(v) || v > int.MaxValue) throw new ArgumentException($"{name} must be a whole number ≥ 1 (got {v})");
        return (int)v;
    }

    /// <summary>A decay rate β = 1 − one_minus_&lt;name&gt; if that key exists, else &lt;name&gt;, validated to [0, 1).</summary>
    public double Beta(string name)
    {
        string alt = "one_minus_" + name;
        double v = _values.Contains(alt) || (!_values.Contains(name) && _defaults.Contains(alt)) ? 1 - Get(alt) : Get(name);
        if (!(v >= 0 && v < 1)) throw new ArgumentException($"{name} must be in [0, 1) (got {v})");
        return v;
    }
}
