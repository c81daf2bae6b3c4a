using System.Globalization;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One hyperparameter an algorithm reads: its name, type, allowed values, default and a one-line meaning. An algorithm
/// states its list once (<see cref="ITrainingAlgorithm.Declared"/>); defaults, search-space checks, override checks and
/// <c>algoperf list</c> derive from it. Created by the factories, which validate that the default is allowed.
/// </summary>
public sealed record HyperparameterDeclaration
{
    private HyperparameterDeclaration(string name, HyperparameterKind kind, object @default, double min, double max, IReadOnlyList<string>? choices, string meaning)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a hyperparameter needs a name", nameof(name));
        Name = name;
        Kind = kind;
        Min = min;
        Max = max;
        Choices = choices;
        Meaning = meaning ?? string.Empty;
        Default = @default;
        if (double.IsNaN(min) || double.IsNaN(max) || min > max) throw new ArgumentException($"hyperparameter '{name}': range [{min}, {max}] is empty", nameof(min));
        if (Problem(@default) is { } problem) throw new ArgumentException($"hyperparameter '{name}': the default {Format(@default)} {problem}", nameof(@default));
    }

    /// <summary>The key, as in search spaces and configs (e.g. <c>one_minus_beta1</c>).</summary>
    public string Name { get; }

    /// <summary>The type of the value.</summary>
    public HyperparameterKind Kind { get; }

    /// <summary>Smallest allowed value (inclusive) of a <see cref="HyperparameterKind.Real"/> or <see cref="HyperparameterKind.Integer"/>.</summary>
    public double Min { get; }

    /// <summary>Largest allowed value (inclusive; may be +∞) of a <see cref="HyperparameterKind.Real"/> or <see cref="HyperparameterKind.Integer"/>.</summary>
    public double Max { get; }

    /// <summary>The allowed strings of a <see cref="HyperparameterKind.Choice"/>; null for other kinds.</summary>
    public IReadOnlyList<string>? Choices { get; }

    /// <summary>The value used when a trial does not set it (a double, bool or string).</summary>
    public object Default { get; }

    /// <summary>One line saying what it does.</summary>
    public string Meaning { get; }

    /// <summary>A real number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static HyperparameterDeclaration Real(string name, double @default, double min, double max, string meaning) =>
        new(name, HyperparameterKind.Real, @default, min, max, null, meaning);

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>] (+∞ allowed when <paramref name="max"/> is +∞).</summary>
    public static HyperparameterDeclaration Integer(string name, double @default, double min, double max, string meaning) =>
        new(name, HyperparameterKind.Integer, @default, min, max, null, meaning);

    /// <summary>A boolean.</summary>
    public static HyperparameterDeclaration Boolean(string name, bool @default, string meaning) =>
        new(name, HyperparameterKind.Boolean, @default, double.NegativeInfinity, double.PositiveInfinity, null, meaning);

    /// <summary>One of <paramref name="choices"/>.</summary>
    public static HyperparameterDeclaration Choice(string name, string @default, IReadOnlyList<string> choices, string meaning)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count == 0) throw new ArgumentException($"hyperparameter '{name}': no choices", nameof(choices));
        return new(name, HyperparameterKind.Choice, @default, double.NegativeInfinity, double.PositiveInfinity, choices.ToArray(), meaning);
    }

    /// <summary>
    /// The declaration implied by a default value alone (for algorithms that declare nothing): a number is a real with
    /// no bounds, a boolean a boolean, a string any string.
    /// </summary>
    public static HyperparameterDeclaration FromDefault(string name, object value) => value switch
    {
        double or float or int or long => Real(name, Convert.ToDouble(value, CultureInfo.InvariantCulture), double.NegativeInfinity, double.PositiveInfinity, string.Empty),
        bool b => Boolean(name, b, string.Empty),
        string s => new(name, HyperparameterKind.Text, s, double.NegativeInfinity, double.PositiveInfinity, null, string.Empty),
        _ => throw new ArgumentException($"hyperparameter '{name}' has unsupported type {value?.GetType().Name ?? "null"}", nameof(value)),
    };

    /// <summary>Null when <paramref name="value"/> is allowed, else what is wrong with it (e.g. <c>must be a number in [0, 1]</c>).</summary>
    public string? Problem(object value) => Kind switch
    {
        HyperparameterKind.Real => value is double d && d >= Min && d <= Max ? null : $"must be a number in {Range}",
        HyperparameterKind.Integer => value is double d && d >= Min && d <= Max && d == Math.Floor(d) ? null : $"must be a whole number in {Range}",
        HyperparameterKind.Boolean => value is bool ? null : "must be true or false",
        HyperparameterKind.Choice => value is string s && Choices!.Contains(s, StringComparer.Ordinal) ? null : $"must be one of {Range}",
        _ => value is string ? null : "must be a string",
    };

    /// <summary>The allowed values as text: <c>[1e-05, 1]</c>, <c>true|false</c>, <c>eigh|qr</c>, <c>text</c>.</summary>
    public string Range => Kind switch
    {
        HyperparameterKind.Real or HyperparameterKind.Integer => $"[{Format(Min)}, {Format(Max)}]",
        HyperparameterKind.Boolean => "true|false",
        HyperparameterKind.Choice => string.Join('|', Choices!),
        _ => "text",
    };

    /// <summary>A value as it is written in configs: <c>0.001</c>, <c>true</c>, <c>adam</c>, <c>inf</c>.</summary>
    public static string Format(object value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => $"\"{s}\"",
        _ => value?.ToString() ?? "null",
    };
}
