using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// The hyperparameters <c>algoperf transfer --set NAME=VALUE</c> fixes in every trial of a ladder (base grid, wider
/// widths, edge extensions), beside the ones the ladder tunes (<see cref="TransferGrid.Tuned"/>); the algorithm's
/// defaults hold for the rest. They are part of the ladder's identity: recorded in every trial's hyperparameters, so a
/// ladder recorded with other values is recognised (<see cref="Of"/>) and refused on resume. Immutable.
/// </summary>
internal sealed class FixedHyperparameters
{
    private FixedHyperparameters(Hyperparameters values) => Values = values;

    /// <summary>Nothing fixed: every trial takes the algorithm's defaults beside the tuned hyperparameters.</summary>
    public static FixedHyperparameters None { get; } = new(Hyperparameters.Empty);

    /// <summary>Name → value.</summary>
    public Hyperparameters Values { get; }

    /// <summary>True when nothing is fixed.</summary>
    public bool IsEmpty => Values.Values.Count == 0;

    /// <summary>
    /// Parses and checks <c>--set</c>'s <c>NAME=VALUE</c> pairs for <paramref name="algorithm"/>. Throws (one line)
    /// <see cref="FormatException"/> for a pair that is not <c>key=value</c> or a name given twice, and
    /// <see cref="HyperparameterException"/> for a name the ladder tunes, a name the algorithm does not declare (naming
    /// the nearest and the declared ones) or a value its declaration does not allow (e.g. not a number).
    /// </summary>
    public static FixedHyperparameters Parse(IEnumerable<string> assignments, ITrainingAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(algorithm);
        var declared = TrialHyperparameters.For(algorithm);
        var values = HyperparameterAssignments.Parse(assignments, declared);
        foreach (string name in values.Values.Keys.Order(StringComparer.Ordinal))
        {
            if (TransferGrid.Tuned.Contains(name, StringComparer.Ordinal))
            {
                throw new HyperparameterException($"--set {name}: the ladder tunes {name} (its grid varies {string.Join(" and ", TransferGrid.Tuned)}), so it cannot be fixed");
            }
        }

        try
        {
            HyperparameterDeclarations.Validate(values, declared, algorithm.Name);
        }
        catch (HyperparameterException e)
        {
            throw new HyperparameterException("--set: " + e.Message, e);
        }

        return new(values);
    }

    /// <summary>The fixed part of a recorded trial's point: every value but the tuned ones.</summary>
    public static FixedHyperparameters Of(Hyperparameters recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return new(new Hyperparameters(recorded.Values.Where(kv => !TransferGrid.Tuned.Contains(kv.Key, StringComparer.Ordinal)).ToDictionary(StringComparer.Ordinal)));
    }

    /// <summary><paramref name="point"/> with these values set.</summary>
    public Hyperparameters Apply(Hyperparameters point)
    {
        ArgumentNullException.ThrowIfNull(point);
        foreach (var (name, value) in Values.Values) point = point.With(name, value);
        return point;
    }

    /// <summary>Whether both fix the same names to the same values (numbers compared exactly).</summary>
    public bool Same(FixedHyperparameters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Values.Values.Count == other.Values.Values.Count &&
            Values.Values.All(kv => other.Values.Values.TryGetValue(kv.Key, out object? v) && kv.Value.Equals(v));
    }

    /// <summary>As a command line would give them: <c>--set adam_learning_rate=0.004</c>, or <c>no --set</c>.</summary>
    public string Describe() => IsEmpty ? "no --set" : string.Join(' ', Pairs().Select(p => "--set " + p));

    /// <summary>For the default run label: <c>adam_learning_rate=0.004</c> (pairs joined by commas), empty when nothing is fixed.</summary>
    public string LabelPart() => string.Join(',', Pairs());

    /// <summary><c>adam_learning_rate=0.004, …</c>, or <c>none</c>.</summary>
    public override string ToString() => IsEmpty ? "none" : string.Join(", ", Pairs());

    // name=value in name order; numbers round-trip ("R"), so two texts are equal exactly when the values are
    private IEnumerable<string> Pairs() =>
        Values.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + (kv.Value switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            var other => other.ToString(),
        }));
}
