using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// The declarations several built-ins share (one copy of each name, range and meaning); each algorithm picks its own
/// default. Ranges are the values the recipe can take at all; search spaces pick narrower ones.
/// </summary>
public static class CommonHyperparameters
{
    private const double Inf = double.PositiveInfinity;

    /// <summary>learning_rate: the peak η of the schedule (must be &gt; 0).</summary>
    public static HyperparameterDeclaration LearningRate(double @default) =>
        HyperparameterDeclaration.Real("learning_rate", @default, 0, Inf, "peak learning rate η of the schedule (> 0)");

    /// <summary>one_minus_beta1: 1 − β1, the first-moment (momentum) decay, as AlgoPerf's baselines tune it.</summary>
    public static HyperparameterDeclaration OneMinusBeta1(double @default) =>
        HyperparameterDeclaration.Real("one_minus_beta1", @default, 0, 1, "1 − β1, the momentum / first-moment decay (β1 = 1 − it)");

    /// <summary>beta2: the second-moment decay β2.</summary>
    public static HyperparameterDeclaration Beta2(double @default) =>
        HyperparameterDeclaration.Real("beta2", @default, 0, 1, "second-moment decay β2 (< 1)");

    /// <summary>epsilon: added after the root of the second moment.</summary>
    public static HyperparameterDeclaration Epsilon(double @default) =>
        HyperparameterDeclaration.Real("epsilon", @default, 0, Inf, "ε added to the root of the second moment");

    /// <summary>weight_decay: decoupled (or, for SGD, coupled L2) decay λ.</summary>
    public static HyperparameterDeclaration WeightDecay(double @default) =>
        HyperparameterDeclaration.Real("weight_decay", @default, 0, Inf, "weight decay λ");

    /// <summary>warmup_factor: the warm-up's share of the step hint under the warmup_cosine schedule.</summary>
    public static HyperparameterDeclaration WarmupFactor(double @default) =>
        HyperparameterDeclaration.Real("warmup_factor", @default, 0, 1, "linear warm-up over this fraction of the step hint (lr_schedule=warmup_cosine)");

    /// <summary>max_preconditioner_dim: the block size of Shampoo-family preconditioners.</summary>
    public static HyperparameterDeclaration MaxPreconditionerDim(double @default) =>
        HyperparameterDeclaration.Integer("max_preconditioner_dim", @default, 1, Inf, "dimensions above this are split into blocks of it");

    /// <summary>precondition_frequency: steps between preconditioner refreshes.</summary>
    public static HyperparameterDeclaration PreconditionFrequency(double @default) =>
        HyperparameterDeclaration.Integer("precondition_frequency", @default, 1, Inf, "steps between preconditioner refreshes F");

    /// <summary>start_preconditioning_step: −1 = the frequency, inf = never.</summary>
    public static HyperparameterDeclaration StartPreconditioningStep { get; } =
        HyperparameterDeclaration.Integer("start_preconditioning_step", -1, -1, Inf, "first preconditioned step (−1 = the frequency, inf = never)");

    /// <summary>adam_beta1: β1 of the Adam side of a partitioned recipe (Muon, ASGO: embeddings, head, biases, norms).</summary>
    public static HyperparameterDeclaration AdamBeta1(double @default) =>
        HyperparameterDeclaration.Real("adam_beta1", @default, 0, 1, "β1 of the Adam side");

    /// <summary>adam_beta2: β2 of the Adam side.</summary>
    public static HyperparameterDeclaration AdamBeta2(double @default) =>
        HyperparameterDeclaration.Real("adam_beta2", @default, 0, 1, "β2 of the Adam side");

    /// <summary>adam_epsilon: ε of the Adam side.</summary>
    public static HyperparameterDeclaration AdamEpsilon(double @default) =>
        HyperparameterDeclaration.Real("adam_epsilon", @default, 0, Inf, "ε of the Adam side");

    /// <summary>adam_weight_decay: decoupled decay of the Adam side.</summary>
    public static HyperparameterDeclaration AdamWeightDecay(double @default) =>
        HyperparameterDeclaration.Real("adam_weight_decay", @default, 0, Inf, "decoupled weight decay of the Adam side");

    /// <summary>
    /// What the engine (<see cref="TransformAlgorithm"/>) reads for every built-in besides the recipe's own:
    /// <c>grad_clip</c> (global-norm clipping, 0 = off) and <c>lr_schedule</c> (<c>warmup_cosine</c> or <c>constant</c>).
    /// They are declared but not part of an algorithm's <see cref="ITrainingAlgorithm.Defaults"/>.
    /// </summary>
    public static IReadOnlyList<HyperparameterDeclaration> Engine { get; } =
    [
        HyperparameterDeclaration.Real("grad_clip", 0, 0, Inf, "clip the gradient's global norm to this (0 = no clipping)"),
        HyperparameterDeclaration.Choice(LearningRateSchedule.Key, "warmup_cosine", ["warmup_cosine", "constant"],
            "warmup_cosine: warm-up then cosine decay to 0 at the step hint; constant: learning_rate at every step"),
    ];
}
