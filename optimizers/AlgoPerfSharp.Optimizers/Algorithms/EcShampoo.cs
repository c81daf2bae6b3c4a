using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Preconditioning;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// facebookresearch's eigenvalue-corrected Shampoo (<c>DefaultEigenvalueCorrectedShampooConfig</c>): eigh refresh every
/// F steps, corrected eigenvalues D in the new basis, no grafting, Adam's lr/betas/decay as the starting point.
/// Hyperparameters: learning_rate, one_minus_beta1, beta2, epsilon, weight_decay, warmup_factor, max_preconditioner_dim,
/// precondition_frequency, start_preconditioning_step, eigen_method (eigh|qr).
/// </summary>
public sealed class EcShampoo : ShampooAlgorithmBase
{
    /// <inheritdoc/>
    public override string Name => "ec_shampoo";

    /// <summary>AlgoPerf's Adam space (the README's advice) with the refresh frequency as a choice.</summary>
    public override SearchSpace SearchSpace { get; } = SearchSpace.FromDimensions(
    [
        SearchDimension.Continuous("learning_rate", 1e-4, 1e-2, Scaling.Log),
        SearchDimension.Continuous("one_minus_beta1", 4e-3, 0.1, Scaling.Log),
        SearchDimension.Discrete("beta2", [0.999]),
        SearchDimension.Discrete("warmup_factor", [0.05]),
        SearchDimension.Continuous("weight_decay", 5e-3, 1, Scaling.Log),
        SearchDimension.Discrete("precondition_frequency", [50.0, 100.0]),
    ]);

    /// <summary>Adam-like defaults (lr 1e-3, betas 0.9/0.999, ε 1e-8, λ 0.01) with F = 100 and blocks of 1024.</summary>
    public override Hyperparameters Defaults { get; } = new(new Dictionary<string, object>
    {
        ["learning_rate"] = 1e-3,
        ["one_minus_beta1"] = 0.1,
        ["beta2"] = 0.999,
        ["epsilon"] = 1e-8,
        ["weight_decay"] = 0.01,
        ["warmup_factor"] = 0.05,
        ["max_preconditioner_dim"] = 1024.0,
        ["precondition_frequency"] = 100.0,
        ["eigen_method"] = "eigh",
    });

    /// <inheritdoc/>
    protected override ShampooConfig BuildConfig(HyperparameterReader h)
    {
        ArgumentNullException.ThrowIfNull(h);
        var eigen = h.GetString("eigen_method", "eigh") switch
        {
            "eigh" => EigendecompositionConfig.Eigh,
            "qr" => EigendecompositionConfig.OneQrIteration,
            var other => throw new ArgumentException($"eigen_method must be eigh or qr (got \"{other}\")"),
        };
        return ShampooConfig.EigenvalueCorrected(
            h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon", 1e-8), h.Get("weight_decay"), PositiveInt(h, "max_preconditioner_dim"),
            PositiveInt(h, "precondition_frequency"), StartStep(h), eigen);
    }
}
