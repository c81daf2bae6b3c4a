namespace AlgoPerfSharp.Contracts;

/// <summary>
/// Everything <see cref="ITrainingAlgorithm.Init"/> receives. Init is <b>untimed</b>. The parameters are owned by the
/// model: never dispose or replace them; create state tensors of your own (and dispose them in
/// <see cref="ITrainingRun"/>'s <c>Dispose</c>), outside any caller's DisposeScope (see <see cref="Torch.DisposeScope.Detach"/>).
/// </summary>
/// <param name="Parameters">The model's trainable parameters with their types, in a fixed order.</param>
/// <param name="Hyperparameters">The trial's point of the search space (empty under self-tuning).</param>
/// <param name="Workload">Public workload facts.</param>
/// <param name="Seed">A seed reserved for the algorithm's own randomness.</param>
public sealed record AlgorithmInitContext(
    IReadOnlyList<ModelParameter> Parameters,
    Hyperparameters Hyperparameters,
    WorkloadInfo Workload,
    ulong Seed)
{
    /// <summary>
    /// Per-parameter width-transfer multipliers, one per entry of <see cref="Parameters"/> in the same order, from the
    /// algorithm's <see cref="ITransferRule"/> when a run asks for µP; null under standard parameterisation (all 1). An
    /// algorithm applies them to each parameter's learning rate, decay and ε. Added in contract version 2.3.
    /// </summary>
    public IReadOnlyList<TransferMultipliers>? Multipliers { get; init; }
}
