using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Distributed Shampoo as the winning AlgoPerf external-tuning submission configures it (algoperf.md §6): root-inverse
/// Shampoo with blocks of 1024, F = 100, Adam grafting, decoupled decay, bias correction, the Nesterov (NAdam) filtered
/// gradient (β3 = β1²). Hyperparameters: learning_rate, one_minus_beta1, one_minus_beta2, epsilon, weight_decay,
/// warmup_factor, max_preconditioner_dim, precondition_frequency, start_preconditioning_step, grafting
/// (adam|rmsprop|adagrad|sgd|none), grafting_epsilon, use_nesterov, grad_clip (optional). Any parameter with a dimension
/// ≥ 1,000,000 (embedding tables) is trained by Adam, as in the submission (<see cref="ShampooRecipes.Shampoo"/>).
/// </summary>
public sealed class Shampoo : TransformAlgorithm, ITransferRule
{
    /// <inheritdoc/>
    public override string Name => "shampoo";

    /// <summary>Around the submission's points: lr and betas log-ranged, its fixed block size and frequency.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 3e-4, 1e-2, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 0.02, 0.2, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta2", 1e-3, 0.05, Scaling.Log),
        SearchDimension.Continuous("weight_decay", 5e-3, 0.5, Scaling.Log),
        SearchDimension.Discrete("warmup_factor", [0.02, 0.05]),
        SearchDimension.Discrete("max_preconditioner_dim", [1024.0]),
        SearchDimension.Discrete("precondition_frequency", [100.0]),
    ]);

    /// <summary>The submission's point 1 (lr 1.7486e-3, 1−β1 0.0673, 1−β2 0.00448, λ 0.0812, warm-up 0.02, Adam grafting, NAdam).</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } =
    [
        LearningRate(0.0017486387539278373), OneMinusBeta1(0.06733926164),
        HyperparameterDeclaration.Real("one_minus_beta2", 0.00448403102, 0, 1, "1 − β2, the decay of the factors and of the grafted second moment"),
        Epsilon(1e-12), WeightDecay(0.08121616522670176), WarmupFactor(0.02),
        MaxPreconditionerDim(1024), PreconditionFrequency(100), StartPreconditioningStep,
        HyperparameterDeclaration.Choice("grafting", "adam", ["adam", "rmsprop", "adagrad", "sgd", "none"], "the optimizer whose per-block step norm the update takes"),
        HyperparameterDeclaration.Real("grafting_epsilon", 1e-8, 0, double.PositiveInfinity, "ε of the grafted optimizer"),
        HyperparameterDeclaration.Boolean("use_nesterov", true, "filter the gradient with Nesterov momentum (β3 = β1²)"),
    ];

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        double b1 = h.Beta("beta1"), b2 = h.Beta("beta2");
        var type = h.GetString("grafting") switch
        {
            "adam" => GraftingType.Adam,
            "rmsprop" => GraftingType.RmsProp,
            "adagrad" => GraftingType.AdaGrad,
            "sgd" => GraftingType.Sgd,
            "none" => GraftingType.None,
            var other => throw new ArgumentException($"grafting must be adam, rmsprop, adagrad, sgd or none (got \"{other}\")"),
        };
        var config = new ShampooConfig(
            beta1: b1,
            beta2: b2,
            epsilon: h.Get("epsilon"),
            weightDecay: h.Get("weight_decay"),
            maxPreconditionerDim: h.PositiveInt("max_preconditioner_dim"),
            preconditionFrequency: h.PositiveInt("precondition_frequency"),
            startPreconditioningStep: ShampooHyperparameters.StartStep(h),
            grafting: new GraftingConfig(type, b2, h.Get("grafting_epsilon")),
            beta3: h.GetBoolean("use_nesterov") ? b1 * b1 : -1);
        return ShampooRecipes.Shampoo(config, schedule, adamForHugeParameters: true);
    }

    /// <summary>Width transfer (arXiv 2512.05620): the grafting source's table (Adam for adam/rmsprop/adagrad, SGD for sgd), the Shampoo table at max_preconditioner_dim without grafting.</summary>
    public TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var h = Reader(hyperparameters);
        var table = h.GetString("grafting") switch
        {
            "sgd" => TransferRules.Sgd,
            "none" => TransferRules.Shampoo(h.PositiveInt("max_preconditioner_dim")),
            _ => TransferRules.Adam,
        };
        return table.For(parameter);
    }
}
