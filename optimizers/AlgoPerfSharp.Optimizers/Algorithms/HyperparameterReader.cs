using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Reads a trial's hyperparameters, falling back to the declared defaults, with validation that names the field.
/// Reading a key the algorithm does not declare is a programming error (<see cref="InvalidOperationException"/>),
/// so every key a recipe reads is in <see cref="ITrainingAlgorithm.Declared"/>.
/// </summary>
public sealed class HyperparameterReader
{
    private readonly Hyperparameters _values;
    private readonly IReadOnlyList<HyperparameterDeclaration> _declared;

    /// <summary>Reads <paramref name="values"/>, falling back to the defaults of <paramref name="declared"/>.</summary>
    public HyperparameterReader(Hyperparameters values, IReadOnlyList<HyperparameterDeclaration> declared)
    {
        _values = values ?? throw new ArgumentNullException(nameof(values));
        _declared = declared ?? throw new ArgumentNullException(nameof(declared));
    }

    /// <summary>True when <paramref name="name"/> is declared.</summary>
    public bool Declares(string name) => _declared.Any(d => d.Name == name);

    /// <summary>A number (trial value, else the declared default).</summary>
    public double Get(string name) => Point(name).GetDouble(name);

    /// <summary>A boolean.</summary>
    public bool GetBoolean(string name) => Point(name).GetBoolean(name);

    /// <summary>A string.</summary>
    public string GetString(string name) => Point(name).GetString(name);

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

    /// <summary>A decay rate β = 1 − one_minus_&lt;name&gt; when that form is declared, else &lt;name&gt;, validated to [0, 1).</summary>
    public double Beta(string name)
    {
        string alt = "one_minus_" + name;
        double v = Declares(alt) ? 1 - Get(alt) : Get(name);
        if (!(v >= 0 && v < 1)) throw new ArgumentException($"{name} must be in [0, 1) (got {v})");
        return v;
    }

    /// <summary>The trial's value of <paramref name="name"/> if set, else its declared default, as a one-key point.</summary>
    private Hyperparameters Point(string name)
    {
        var d = _declared.FirstOrDefault(x => x.Name == name)
            ?? throw new InvalidOperationException($"the recipe reads '{name}', which its algorithm does not declare; add it to the declared hyperparameters");
        return new Hyperparameters(new Dictionary<string, object> { [name] = _values.Contains(name) ? _values.Values[name] : d.Default });
    }
}
