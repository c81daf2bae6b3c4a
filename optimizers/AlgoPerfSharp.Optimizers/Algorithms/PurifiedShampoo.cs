using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

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
    public override Hyperparameters Defaults { get; } = ShampooHyperparameters.AdamDefaultsWith(new Dictionary<string, object>
    {
        ["precondition_frequency"] = 50.0,
        ["eigen_tolerance"] = 0.1,
        ["max_qr_iterations"] = 10.0,
        ["use_eigh"] = false,
    });

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        var config = ShampooConfig.Purified(
            h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon", 1e-8), h.Get("weight_decay"), h.PositiveInt("max_preconditioner_dim"),
            h.PositiveInt("precondition_frequency"), ShampooHyperparameters.StartStep(h), h.InRange("eigen_tolerance", 0, 1), h.PositiveInt("max_qr_iterations"),
            h.GetBoolean("use_eigh", false));
        return ShampooRecipes.Shampoo(config, schedule, adamForHugeParameters: true);
    }
}
