namespace AlgoPerfSharp.Contracts;

/// <summary>Versioning of the plugin contract.</summary>
public static class Contract
{
    /// <summary>
    /// Bumped on any breaking change of <see cref="ITrainingAlgorithm"/>, <see cref="ITrainingRun"/> or the context
    /// types. The harness refuses plugins built against another version, with a message saying which. Version 2: the
    /// contract moved from <c>AlgoPerfSharp.Optimizers</c> into its own assembly, <c>AlgoPerfSharp.Contracts</c>.
    /// </summary>
    public const int Version = 2;

    /// <summary>
    /// Bumped on an additive change that plugins built against an earlier minor version still satisfy (the harness
    /// accepts them). Minor 1: <see cref="ITrainingAlgorithm.Declared"/>, a default interface member derived from
    /// <see cref="ITrainingAlgorithm.Defaults"/>, so 2.0 plugins keep loading and are checked against their defaults' keys.
    /// Minor 2: the step's oracle (<see cref="IStepOracle"/>: sub-batch gradients, loss only, loss over the algorithm's
    /// own targets, more data) reached through new <see cref="StepContext"/> methods; nothing a plugin implements changed.
    /// Minor 3: width transfer — <see cref="ModelParameter.Width"/>, <see cref="AlgorithmInitContext.Multipliers"/> and the
    /// optional <see cref="ITransferRule"/>; a plugin that ignores them runs as before.
    /// Minor 4: <see cref="ITrainingAlgorithm.AcceptsSparseGradients"/>, a default interface member (false: dense
    /// gradients, as before).
    /// Minor 5: Hessian–vector products — <see cref="StepContext.ComputeHessianVectorProduct"/> (a default member
    /// <see cref="IStepOracle.HessianVectorProduct"/>) and <see cref="WorkloadInfo.SupportsHessianVectorProducts"/>.
    /// </summary>
    public const int MinorVersion = 5;
}
