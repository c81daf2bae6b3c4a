using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// The keys a trial's hyperparameters may hold: the algorithm's declared ones (<see cref="ITrainingAlgorithm.Declared"/>)
/// and the two the harness itself reads for the workload, as AlgoPerf's search spaces do
/// (<see cref="HyperparameterDeclarations.Workload"/>: <c>label_smoothing</c>, <c>dropout_rate</c>).
/// Search spaces are checked against it before anything is recorded, and every trial before it trains.
/// </summary>
public static class TrialHyperparameters
{
    /// <summary>The algorithm's declarations, then those of <see cref="HyperparameterDeclarations.Workload"/> it does not declare itself.</summary>
    public static IReadOnlyList<HyperparameterDeclaration> For(ITrainingAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return HyperparameterDeclarations.WithWorkload(algorithm.Declared);
    }

    /// <summary>Null when <paramref name="values"/> suits <paramref name="algorithm"/>, else the one-line message of <see cref="Validate"/>.</summary>
    public static string? Problem(Hyperparameters values, ITrainingAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        try
        {
            Validate(values, algorithm, algorithm.Name);
            return null;
        }
        catch (HyperparameterException e)
        {
            return e.Message;
        }
    }

    /// <summary>Throws <see cref="HyperparameterException"/> (one line) when <paramref name="values"/> has a key or value <paramref name="algorithm"/> does not accept.</summary>
    public static void Validate(Hyperparameters values, ITrainingAlgorithm algorithm, string owner) =>
        HyperparameterDeclarations.Validate(values, For(algorithm), owner);
}
