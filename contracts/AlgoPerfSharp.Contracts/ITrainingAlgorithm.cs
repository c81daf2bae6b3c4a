namespace AlgoPerfSharp.Contracts;

/// <summary>
/// A training algorithm — the C# counterpart of an AlgoPerf <c>submission.py</c>. Implementations are stateless
/// descriptors with a public parameterless constructor; per-trial state lives in the <see cref="ITrainingRun"/>
/// returned by <see cref="Init"/>. Plugins expose theirs with <see cref="TrainingAlgorithmAttribute"/>.
/// </summary>
/// <remarks>
/// Rules (as AlgoPerf's): do not identify the workload to pick hyperparameters (only <see cref="BatchSize"/> may use
/// its name); do not read the evaluation data or the clock; do all regularisation inside the update step.
/// </remarks>
public interface ITrainingAlgorithm
{
    /// <summary>Unique, lower-case name used on the command line and in results (e.g. <c>adamw</c>).</summary>
    string Name { get; }

    /// <summary>The default external-tuning search space (AlgoPerf JSON semantics).</summary>
    SearchSpace SearchSpace { get; }

    /// <summary>The hyperparameters used under the self-tuning ruleset (and as defaults for missing keys).</summary>
    Hyperparameters Defaults { get; }

    /// <summary>Global batch size for a workload (called once per trial, untimed).</summary>
    int BatchSize(WorkloadInfo workload) => workload.ReferenceBatchSize;

    /// <summary>Creates the per-trial state (untimed): optimizer moments, preconditioners, schedules.</summary>
    ITrainingRun Init(AlgorithmInitContext context);
}
