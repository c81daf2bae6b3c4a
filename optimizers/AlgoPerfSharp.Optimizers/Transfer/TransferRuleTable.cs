using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Transfer;

/// <summary>
/// One optimizer's width-transfer rule: for every <see cref="ParameterRole"/>, a formula from the parameter's
/// <see cref="WidthMetadata"/> to its multipliers relative to the base width. The tables themselves are in
/// <see cref="TransferRules"/>. Immutable; thread-safe.
/// </summary>
public sealed class TransferRuleTable
{
    private readonly Dictionary<ParameterRole, Func<WidthMetadata, TransferMultipliers>> _rules;

    /// <summary>Creates a table; every role must have a rule.</summary>
    /// <exception cref="ArgumentException">A role has no rule; the message names it.</exception>
    public TransferRuleTable(string name, IReadOnlyDictionary<ParameterRole, Func<WidthMetadata, TransferMultipliers>> rules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(rules);
        Name = name;
        _rules = new(rules);
        foreach (var role in Enum.GetValues<ParameterRole>())
        {
            if (!_rules.ContainsKey(role)) throw new ArgumentException($"transfer rule table '{name}' has no rule for role {role}; give every ParameterRole a formula", nameof(rules));
        }
    }

    /// <summary>The table's name (the optimizer, or its variant).</summary>
    public string Name { get; }

    /// <summary>The multipliers of a parameter with <paramref name="width"/>, validated.</summary>
    public TransferMultipliers For(WidthMetadata width, string parameterName = "?")
    {
        ArgumentNullException.ThrowIfNull(width);
        return _rules[width.Role](width).Validate(parameterName);
    }

    /// <summary>The multipliers of <paramref name="parameter"/>.</summary>
    /// <exception cref="ArgumentException">The parameter carries no <see cref="ModelParameter.Width"/>.</exception>
    public TransferMultipliers For(ModelParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var width = parameter.Width
            ?? throw new ArgumentException($"parameter '{parameter.Name}' has no width metadata; width transfer needs a width-ladder workload (e.g. sotu_llama_w128_mup)", nameof(parameter));
        return For(width, parameter.Name);
    }
}
