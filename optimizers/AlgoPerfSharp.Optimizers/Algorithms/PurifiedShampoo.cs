using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// "Purified" Shampoo (arXiv 2506.03595, <see cref="ShampooConfig.Purified"/>): eigenvalue-corrected, no grafting,
/// adaptive per-factor eigenbasis refresh with τ = 0.1 checked every F = 50 steps by warm-started QR (at most
/// max_qr_iterations) or eigh (use_eigh). Hyperparameters: Adam's (learning_rate, one_minus_beta1, beta2, epsilon,
/// weight_decay, warmup_factor) plus eigen_tolerance, precondition_frequency, max_qr_iterations, use_eigh,
/// max_preconditioner_dim, start_preconditioning_step, grad_clip (optional). Parameters with a dimension ≥ 1,000,000 are
/// trained by Adam (<see cref="ShampooRecipes.Shampoo"/>).
/// </summary>
public sealed class PurifiedShampoo : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "purified_shampoo";

    /// <summary>AlgoPerf's Adam space (Adam hyperparameters transfer, §5.4) with the paper's τ and F.</summary>
    public override SearchSpace SearchSpace { get; } = ShampooHyperparameters.AdamSpaceWith(
        SearchDimension.Discrete("eigen_tolerance", [0.1]),
        SearchDimension.Discrete("precondition_frequency", [50.0]));

    /// <summary>Adam-like defaults with the paper's AlgoPerf setting τ = 0.1, F = 50.</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } = ShampooHyperparameters.AdamWith(
        PreconditionFrequency(50),
        HyperparameterDeclaration.Real("eigen_tolerance", 0.1, 0, 1, "relative off-diagonal error τ above which a factor's eigenbasis is refreshed"),
        HyperparameterDeclaration.Integer("max_qr_iterations", 10, 1, double.PositiveInfinity, "warm-started QR iterations per refresh at most"),
        HyperparameterDeclaration.Boolean("use_eigh", false, "refresh with eigh instead of QR"));

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        var config = ShampooConfig.Purified(
            h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), h.Get("weight_decay"), h.PositiveInt("max_preconditioner_dim"),
            h.PositiveInt("precondition_frequency"), ShampooHyperparameters.StartStep(h), h.InRange("eigen_tolerance", 0, 1), h.PositiveInt("max_qr_iterations"),
            h.GetBoolean("use_eigh"));
        return ShampooRecipes.Shampoo(config, schedule, adamForHugeParameters: true);
    }
}
