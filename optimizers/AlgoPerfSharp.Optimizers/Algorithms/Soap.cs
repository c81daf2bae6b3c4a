using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// SOAP with nikhilvyas/SOAP's semantics (<see cref="ScaleBySoap"/>, <see cref="ShampooRecipes.Soap"/>): lr 3e-3, betas (0.95, 0.95), ε 1e-8,
/// λ 0.01, f 10, dims above 10000 and vectors unrotated (plain Adam). Hyperparameters: learning_rate,
/// one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, precondition_frequency, shampoo_beta, max_preconditioner_dim, grad_clip (optional).
/// </summary>
public sealed class Soap : TransformAlgorithm, ITransferRule
{
    /// <inheritdoc/>
    public override string Name => "soap";

    /// <summary>Log-ranges around SOAP's defaults.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 3e-4, 3e-2, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 0.02, 0.2, Scaling.Log),
        SearchDimension.Discrete("beta2", [0.95, 0.99]),
        SearchDimension.Discrete("warmup_factor", [0.05]),
        SearchDimension.Continuous("weight_decay", 1e-3, 0.3, Scaling.Log),
        SearchDimension.Discrete("precondition_frequency", [10.0]),
    ]);

    /// <summary>nikhilvyas/SOAP's defaults with a 5% warm-up.</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(3e-3), OneMinusBeta1(0.05), Beta2(0.95), Epsilon(1e-8), WeightDecay(0.01), WarmupFactor(0.05),
        PreconditionFrequency(10), MaxPreconditionerDim(10000),
        HyperparameterDeclaration.Real("shampoo_beta", -1, -1, 1, "EMA decay of the Kronecker factors (−1 = beta2)"),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        var config = new SoapConfig(
            h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), h.Get("weight_decay"), h.PositiveInt("precondition_frequency"),
            h.PositiveInt("max_preconditioner_dim"), h.Get("shampoo_beta"));
        return ShampooRecipes.Soap(config, schedule);
    }

    /// <summary>Width transfer (arXiv 2512.05620): the SOAP table at the trial's max_preconditioner_dim.</summary>
    public TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters) => TransferRules.Soap(Reader(hyperparameters).PositiveInt("max_preconditioner_dim")).For(parameter);
}
