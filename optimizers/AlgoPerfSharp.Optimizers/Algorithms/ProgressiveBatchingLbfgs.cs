using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.QuasiNewton;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Progressive-batching L-BFGS (Bollapragada, Mudigere, Nocedal, Shi, Tang, ICML 2018, arXiv 1802.05374): two-loop
/// L-BFGS directions, a stochastic Armijo backtracking search on the sampled loss, curvature pairs on the same sample
/// at both points (full overlap), and a sample that grows by the inner-product test (<see cref="LbfgsRun"/>,
/// <see cref="InnerProductTest"/>). Each step costs two gradient passes over its sample plus one loss pass per
/// line-search trial; its sample (drawn with <see cref="StepContext.DrawMoreData"/>) is reported as
/// <c>lbfgs/sample_examples</c> and counted in <c>oracle/examples</c>.
/// </summary>
/// <remarks>
/// Defaults follow the co-authors' code hjmshi/PyTorch-LBFGS: memory 10, unit initial step, Armijo c₁ 1e-4,
/// backtracking by 1/2 for at most 10 trials. θ 0.9 is the inner-product test's value in public adaptive-sampling
/// implementations (the paper's own value was not verified). The test's variance comes from 8 groups of the sample
/// (the paper uses per-example gradients). The sample grows up to 64 batches (the harness's limit per step).
/// Hyperparameters: learning_rate (α₀), memory, armijo_c1, backtrack_factor, max_backtracks, theta, variance_groups,
/// initial_batches, max_batches.
/// </remarks>
public sealed class ProgressiveBatchingLbfgs : ITrainingAlgorithm
{
    private static readonly double Inf = double.PositiveInfinity;

    /// <inheritdoc/>
    public string Name => "pb_lbfgs";

    /// <summary>θ and the memory around the defaults; the unit initial step and the search constants fixed.</summary>
    public SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("theta", 0.5, 2.0, Scaling.Log),
        SearchDimension.Discrete("memory", [5.0, 10.0, 20.0]),
        SearchDimension.Discrete("learning_rate", [1.0]),
    ]);

    /// <inheritdoc/>
    public IReadOnlyList<HyperparameterDeclaration> Declared { get; } =
    [
        HyperparameterDeclaration.Real("learning_rate", 1, 0, Inf, "α₀: the first trial step of every line search (1 = the quasi-Newton step; > 0)"),
        HyperparameterDeclaration.Integer("memory", 10, 1, Inf, "m: curvature pairs kept"),
        HyperparameterDeclaration.Real("armijo_c1", 1e-4, 0, 1, "c₁ of the sufficient-decrease test on the sampled loss, in (0, 1)"),
        HyperparameterDeclaration.Real("backtrack_factor", 0.5, 0, 1, "α ← this · α after a failed trial, in (0, 1)"),
        HyperparameterDeclaration.Integer("max_backtracks", 10, 1, Inf, "trials per line search; if all fail the step is not taken and the memory cleared"),
        HyperparameterDeclaration.Real("theta", 0.9, 0, Inf, "θ of the inner-product test (smaller: the sample grows sooner)"),
        HyperparameterDeclaration.Integer("variance_groups", 8, 2, Inf, "groups the sample is split into for the test's variance"),
        HyperparameterDeclaration.Integer("initial_batches", 1, 1, Inf, "batches in the first step's sample"),
        HyperparameterDeclaration.Integer("max_batches", 64, 1, Inf, "batches the sample may grow to (the harness allows 64 per step; at most one epoch)"),
    ];

    /// <inheritdoc/>
    public Hyperparameters Defaults => HyperparameterDeclarations.DefaultsOf(Declared);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// A setting is out of range, or <c>max_batches</c> batches would hold more examples than the training set (one epoch).
    /// </exception>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HyperparameterDeclarations.Validate(context.Hyperparameters, HyperparameterDeclarations.WithWorkload(Declared), Name);
        var h = new HyperparameterReader(context.Hyperparameters, Declared);
        var config = new LbfgsConfig(
            h.Get("learning_rate"), h.PositiveInt("memory"), h.Get("armijo_c1"), h.Get("backtrack_factor"), h.PositiveInt("max_backtracks"),
            h.Get("theta"), h.PositiveInt("variance_groups"), h.PositiveInt("initial_batches"), h.PositiveInt("max_batches"));
        long perStep = (long)config.MaxBatches * BatchSizeOf(context.Workload);
        if (perStep > context.Workload.NumTrainExamples)
        {
            throw new ArgumentException(
                $"pb_lbfgs: max_batches = {config.MaxBatches} lets a step's sample reach {perStep} examples, past one epoch of {context.Workload.Name} ({context.Workload.NumTrainExamples}); set max_batches ≤ {context.Workload.NumTrainExamples / BatchSizeOf(context.Workload)}");
        }

        return new LbfgsRun(context.Parameters, config);
    }

    private int BatchSizeOf(WorkloadInfo workload) => ((ITrainingAlgorithm)this).BatchSize(workload);
}
