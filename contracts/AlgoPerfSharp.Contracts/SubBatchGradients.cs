using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Contracts;

/// <summary>One group's result of <see cref="IStepOracle.SubBatchGradients"/>.</summary>
/// <param name="Loss">The group's mean loss.</param>
/// <param name="Examples">Examples in the group.</param>
/// <param name="Gradients">The gradient of the group's mean loss, one tensor per parameter in <see cref="StepContext.Parameters"/> order (created in the step's DisposeScope).</param>
public sealed record SubBatchGradients(double Loss, int Examples, IReadOnlyList<Tensor> Gradients);
