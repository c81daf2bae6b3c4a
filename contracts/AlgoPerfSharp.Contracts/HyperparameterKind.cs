namespace AlgoPerfSharp.Contracts;

/// <summary>The type of a declared hyperparameter (<see cref="HyperparameterDeclaration"/>).</summary>
public enum HyperparameterKind
{
    /// <summary>A real number in [Min, Max].</summary>
    Real,

    /// <summary>A whole number in [Min, Max] (held as a double, as every number of <see cref="Hyperparameters"/>).</summary>
    Integer,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>One of the declaration's <see cref="HyperparameterDeclaration.Choices"/>.</summary>
    Choice,

    /// <summary>Any string (only declarations derived from a plugin's defaults have this kind).</summary>
    Text,
}
