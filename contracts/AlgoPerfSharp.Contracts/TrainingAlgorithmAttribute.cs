namespace AlgoPerfSharp.Contracts;

/// <summary>
/// Marks a plugin assembly's algorithm: <c>[assembly: TrainingAlgorithm(typeof(Lion))]</c>. The type must implement
/// <see cref="ITrainingAlgorithm"/> and have a public parameterless constructor. An assembly may declare several.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class TrainingAlgorithmAttribute : Attribute
{
    /// <summary>Declares <paramref name="algorithmType"/> as a training algorithm of this assembly.</summary>
    /// <param name="algorithmType">The algorithm's type.</param>
    /// <param name="contractVersion">
    /// Leave at its default: the compiler bakes the <see cref="Contract.Version"/> the plugin was built against into
    /// the plugin's metadata, which lets the harness refuse a plugin built for another version.
    /// </param>
    public TrainingAlgorithmAttribute(Type algorithmType, int contractVersion = Contract.Version)
    {
        AlgorithmType = algorithmType;
        ContractVersion = contractVersion;
    }

    /// <summary>The algorithm's type.</summary>
    public Type AlgorithmType { get; }

    /// <summary>The contract version the declaring assembly was compiled against.</summary>
    public int ContractVersion { get; }
}
