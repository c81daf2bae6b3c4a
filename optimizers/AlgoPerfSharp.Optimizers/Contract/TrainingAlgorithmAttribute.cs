namespace AlgoPerfSharp.Optimizers;

/// <summary>
/// Marks a plugin assembly's algorithm: <c>[assembly: TrainingAlgorithm(typeof(Lion))]</c>. The type must implement
/// <see cref="ITrainingAlgorithm"/> and have a public parameterless constructor. An assembly may declare several.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class TrainingAlgorithmAttribute : Attribute
{
    /// <summary>Declares <paramref name="algorithmType"/> as a training algorithm of this assembly.</summary>
    public TrainingAlgorithmAttribute(Type algorithmType) => AlgorithmType = algorithmType;

    /// <summary>The algorithm's type.</summary>
    public Type AlgorithmType { get; }
}
