using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Muon (KellerJordan/Muon, <c>MuonWithAuxAdam</c>): hidden matrix parameters (dense, attention and conv weights, by
/// <see cref="ParameterType"/>, with ≥ 2 dimensions) take Nesterov momentum, Newton–Schulz 5 orthogonalization and the
/// max(1, m/n)^½ scale (<see cref="ScaleByMuon"/>); every other parameter — embeddings, the output head, biases,
/// norms — takes Adam with the reference's auxiliary defaults (lr 3e-4, betas 0.9/0.95, ε 1e-10). Both sides decay
/// decoupled from the pre-update weights (w ← w·(1 − ηλ) − η·u) and follow AlgoPerf's warm-up + cosine schedule over
/// the step hint, each from its own peak.
/// </summary>
/// <remarks>
/// Hyperparameters: learning_rate (Muon's peak η), one_minus_beta1 (1 − Muon momentum), weight_decay (Muon side),
/// warmup_factor, adam_learning_rate, adam_beta1, adam_beta2, adam_epsilon, adam_weight_decay, ns_steps,
/// ns_dtype (auto | bfloat16 | float32 | float64; auto = the reference's bfloat16 where libtorch's bfloat16 GEMM is
/// fast — CUDA and CPUs with native bfloat16 dot products (AVX-512 BF16) — float32 on other CPUs, where bfloat16 is
/// emulated; see <see cref="NewtonSchulz"/>), nesterov, grad_clip (optional).
/// </remarks>
public sealed class Muon : TransformAlgorithm, ITransferRule
{
    /// <inheritdoc/>
    public override string Name => "muon";

    /// <summary>
    /// Log-scaled ranges around the reference defaults (Muon lr 0.02, momentum 0.95, aux Adam lr 3e-4), a fixed 5%
    /// warm-up as AlgoPerf's baselines.
    /// </summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 2e-3, 0.2, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 0.02, 0.2, Scaling.Log),
        SearchDimension.Continuous("weight_decay", 1e-3, 0.5, Scaling.Log),
        SearchDimension.Continuous("adam_learning_rate", 1e-4, 1e-2, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.05]),
    ]);

    /// <summary>The reference defaults: Muon lr 0.02, momentum 0.95, no decay; aux Adam lr 3e-4, (0.9, 0.95), ε 1e-10; NS5 in bfloat16 where that is fast (float32 on CPUs without native bfloat16).</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(0.02), OneMinusBeta1(0.05), WeightDecay(0.0), WarmupFactor(0.05),
        HyperparameterDeclaration.Real("adam_learning_rate", 3e-4, 0, double.PositiveInfinity, "peak learning rate of the Adam side (embeddings, head, biases, norms)"),
        AdamBeta1(0.9), AdamBeta2(0.95), AdamEpsilon(1e-10), AdamWeightDecay(0.0),
        HyperparameterDeclaration.Integer("ns_steps", 5, 1, 100, "Newton–Schulz iterations"),
        HyperparameterDeclaration.Choice("ns_dtype", "auto", ["auto", "bfloat16", "float32", "float64"], "Newton–Schulz dtype (auto = bfloat16 on CUDA and on CPUs with native bfloat16, else float32)"),
        HyperparameterDeclaration.Boolean("nesterov", true, "Nesterov look-ahead in Muon's momentum"),
    ];

    /// <summary>True for the parameters Muon orthogonalizes: hidden matrices (<see cref="ParameterTypeExtensions.IsHiddenMatrix"/>) with ≥ 2 dimensions.</summary>
    public static bool IsMuonParameter(ModelParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Type.IsHiddenMatrix() && parameter.Tensor.Dim >= 2;
    }

    /// <summary>Reads ns_steps and ns_dtype into a Newton–Schulz configuration, with errors naming the field.</summary>
    public static NewtonSchulz ReadNewtonSchulz(HyperparameterReader h)
    {
        ArgumentNullException.ThrowIfNull(h);
        double steps = h.Get("ns_steps");
        if (!(steps >= 1 && steps <= 100 && steps == Math.Floor(steps))) throw new ArgumentException($"ns_steps must be an integer in [1, 100] (got {steps})");
        string dtype = h.GetString("ns_dtype");
        DType? working = dtype switch
        {
            "auto" => null,
            "bfloat16" => DType.BFloat16,
            "float32" => DType.Float32,
            "float64" => DType.Float64,
            _ => throw new ArgumentException($"ns_dtype must be auto, bfloat16, float32 or float64 (got '{dtype}')"),
        };
        return new NewtonSchulz((int)steps, dtype: working);
    }

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(workload);
        var adamSchedule = LearningRateSchedule.FromHyperparameters(h, workload.StepHint, "adam_learning_rate");
        var muon = new Chain(
            new ScaleByMuon(h.Beta("beta1"), h.GetBoolean("nesterov"), ReadNewtonSchulz(h)),
            new AddDecayedWeights(NonNegative(h, "weight_decay")),
            new ScaleByLearningRate(schedule));
        var adam = new Chain(
            new ScaleByAdam(h.Beta("adam_beta1"), h.Beta("adam_beta2"), NonNegative(h, "adam_epsilon")),
            new AddDecayedWeights(NonNegative(h, "adam_weight_decay")),
            new ScaleByLearningRate(adamSchedule));
        return new Partition(IsMuonParameter, muon, adam);
    }

    private static double NonNegative(HyperparameterReader h, string name)
    {
        double v = h.Get(name);
        if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"{name} must be a finite number ≥ 0 (got {v})");
        return v;
    }

    /// <summary>Width transfer (arXiv 2512.05620): the Muon table on orthogonalised matrices, the Adam table on the Adam side.</summary>
    public TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters) => IsMuonParameter(parameter) ? TransferRules.Muon.For(parameter) : TransferRules.Adam.For(parameter);
}
