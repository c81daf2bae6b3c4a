namespace AlgoPerfSharp.Contracts;

/// <summary>
/// The public facts about a workload an algorithm may read. AlgoPerf's rules forbid using them to look up
/// per-workload hyperparameters; they exist for generic decisions (batch size, schedules over the step hint).
/// </summary>
/// <param name="Name">Workload name (only <see cref="ITrainingAlgorithm.BatchSize"/> may use it, as AlgoPerf's get_batch_size).</param>
/// <param name="LossType">The loss being minimised.</param>
/// <param name="StepHint">Steps the baseline takes within the budget — the horizon for schedules.</param>
/// <param name="MaxRuntimeSeconds">The training-time budget.</param>
/// <param name="NumTrainExamples">Training-set size.</param>
/// <param name="ReferenceBatchSize">The batch size the targets were calibrated with.</param>
public sealed record WorkloadInfo(
    string Name,
    LossType LossType,
    long StepHint,
    double MaxRuntimeSeconds,
    long NumTrainExamples,
    int ReferenceBatchSize)
{
    /// <summary>
    /// Whether the workload's graph is twice differentiable, so that <see cref="StepContext.ComputeHessianVectorProduct"/>
    /// works (false: it throws <see cref="NotSupportedException"/> naming the workload). Added in contract version 2.5.
    /// </summary>
    public bool SupportsHessianVectorProducts { get; init; }
}
