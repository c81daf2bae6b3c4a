using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// facebookresearch's eigenvalue-corrected Shampoo (<c>DefaultEigenvalueCorrectedShampooConfig</c>): eigh refresh every
/// F steps, corrected eigenvalues D in the new basis, no grafting, Adam's lr/betas/decay as the starting point.
/// Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, max_preconditioner_dim,
/// precondition_frequency, start_preconditioning_step, eigen_method (eigh|qr), grad_clip (optional). Parameters with a
/// dimension ≥ 1,000,000 are trained by Adam (<see cref="ShampooRecipes.Shampoo"/>).
/// </summary>
public sealed class EcShampoo : TransformAlgorithm
{
    /// <inheritdoc/>
    public override string Name => "ec_shampoo";

    /// <summary>AlgoPerf's Adam space (the README's advice) with the refresh frequency as a choice.</summary>
    public override SearchSpace SearchSpace { get; } = ShampooHyperparameters.AdamSpaceWith(SearchDimension.Discrete("precondition_frequency", [50.0, 100.0]));

    /// <summary>Adam-like defaults (lr 1e-3, betas 0.9/0.999, ε 1e-8, λ 0.01) with F = 100 and blocks of 1024.</summary>
    protected override IReadOnlyList<HyperparameterDeclaration> RecipeHyperparameters { get; } = ShampooHyperparameters.AdamWith(
        PreconditionFrequency(100),
        HyperparameterDeclaration.Choice("eigen_method", "eigh", ["eigh", "qr"], "eigenbasis refresh: eigh, or one warm-started QR iteration"));

    /// <inheritdoc/>
    protected override IGradientTransform BuildRecipe(HyperparameterReader h, LearningRateSchedule schedule, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        var eigen = h.GetString("eigen_method") switch
        {
            "eigh" => EigendecompositionConfig.Eigh,
            "qr" => EigendecompositionConfig.OneQrIteration,
            var other => throw new ArgumentException($"eigen_method must be eigh or qr (got \"{other}\")"),
        };
        var config = ShampooConfig.EigenvalueCorrected(
            h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), h.Get("weight_decay"), h.PositiveInt("max_preconditioner_dim"),
            h.PositiveInt("precondition_frequency"), ShampooHyperparameters.StartStep(h), eigen);
        return ShampooRecipes.Shampoo(config, schedule, adamForHugeParameters: true);
    }
}
