using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// What a transform sees in one step: the parameters, the update tensors it rewrites in place (they start as the
/// gradients) and the 1-based step count. Transforms run under no-grad.
/// </summary>
/// <param name="Parameters">The parameters, in init order.</param>
/// <param name="Updates">One update tensor per parameter, rewritten in place by each transform.</param>
/// <param name="Step">1-based update count (1 on the first update), for bias correction.</param>
public sealed record UpdateContext(IReadOnlyList<ModelParameter> Parameters, Tensor[] Updates, long Step)
{
    /// <summary>
    /// Set by a transform whose call only initialises its state (SOAP's first call), or that has written the parameters
    /// itself (<see cref="ScaleByScheduleFree"/>): the rest of a <see cref="Chain"/> is skipped and the engine adds no
    /// update to the parameters.
    /// </summary>
    public bool NoUpdate { get; set; }

    /// <summary>
    /// Per-parameter width-transfer multipliers aligned with <see cref="Parameters"/> (µP), or null (all 1). Honoured by
    /// <see cref="ScaleByLearningRate"/>, <see cref="AddDecayedWeights"/>, <see cref="DecayAfterStep"/>,
    /// <see cref="ScaleByAdam"/>'s ε and <see cref="Chain"/>'s fused paths; other transforms ignore them.
    /// </summary>
    public IReadOnlyList<TransferMultipliers>? Multipliers { get; init; }

    /// <summary>The multipliers of parameter <paramref name="index"/> (identity when none are set).</summary>
    public TransferMultipliers MultipliersOf(int index) => Multipliers?[index] ?? TransferMultipliers.Identity;
}
