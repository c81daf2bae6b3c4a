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

    /// <summary>
    /// Every hyperparameter the algorithm reads (name, type, range, default, meaning). The harness refuses a search
    /// space, config or override naming another key or an ill-typed or out-of-range value, before any training. The
    /// default (contract 2.0 plugins) derives unbounded declarations from <see cref="Defaults"/>; an algorithm that
    /// declares should derive <see cref="Defaults"/> from this list (<see cref="HyperparameterDeclarations.DefaultsOf"/>).
    /// Added in contract version 2.1.
    /// </summary>
    IReadOnlyList<HyperparameterDeclaration> Declared => HyperparameterDeclarations.Derive(Defaults);

    /// <summary>
    /// Whether the algorithm takes sparse gradients as the model produces them. A workload may make embedding tables
    /// (<see cref="ParameterType.Embedding"/>) produce sparse COO gradients (<c>Tensor.IsSparse</c>: the rows looked up
    /// in the step and their values, rows possibly repeated — <c>Tensor.SparseRows</c> coalesces them). When false (the
    /// default) the harness hands the algorithm the equal dense gradient (V, D) instead, zero on rows absent from the
    /// step, so every algorithm written for dense gradients runs unchanged. Sub-batch gradients are always dense.
    /// Added in contract version 2.4.
    /// </summary>
    bool AcceptsSparseGradients => false;

    /// <summary>Global batch size for a workload (called once per trial, untimed).</summary>
    int BatchSize(WorkloadInfo workload) => workload.ReferenceBatchSize;

    /// <summary>Creates the per-trial state (untimed): optimizer moments, preconditioners, schedules.</summary>
    ITrainingRun Init(AlgorithmInitContext context);
}
