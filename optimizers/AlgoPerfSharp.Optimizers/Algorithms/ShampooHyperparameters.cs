using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>What the Shampoo-family built-ins share when they read hyperparameters: Adam's space and declarations, and S.</summary>
internal static class ShampooHyperparameters
{
    /// <summary>AlgoPerf's Adam search space (<see cref="AdamW.AlgoPerfAdamSearchSpace"/>) plus <paramref name="extra"/> dimensions.</summary>
    public static SearchSpace AdamSpaceWith(params SearchDimension[] extra) =>
        SearchSpace.FromDimensions([.. AdamW.AlgoPerfAdamSearchSpace.Dimensions, .. extra]);

    /// <summary>
    /// <see cref="AdamW"/>'s declarations (lr 1e-3, betas 0.9/0.999, ε 1e-8, λ 0.01, 5% warm-up), blocks of 1024,
    /// start_preconditioning_step, plus <paramref name="extra"/>.
    /// </summary>
    public static IReadOnlyList<HyperparameterDeclaration> AdamWith(params HyperparameterDeclaration[] extra) =>
    [
        CommonHyperparameters.LearningRate(1e-3), CommonHyperparameters.OneMinusBeta1(0.1), CommonHyperparameters.Beta2(0.999),
        CommonHyperparameters.Epsilon(1e-8), CommonHyperparameters.WeightDecay(0.01), CommonHyperparameters.WarmupFactor(0.05),
        CommonHyperparameters.MaxPreconditionerDim(1024), CommonHyperparameters.StartPreconditioningStep, .. extra,
    ];

    /// <summary>start_preconditioning_step: −1 (= the frequency), a whole number, or ∞ (never).</summary>
    public static long StartStep(HyperparameterReader h)
    {
        double v = h.Get("start_preconditioning_step");
        if (v != Math.Floor(v) && !double.IsPositiveInfinity(v)) throw new ArgumentException($"start_preconditioning_step must be −1 or a whole number (got {v})");
        return double.IsPositiveInfinity(v) || v >= long.MaxValue ? long.MaxValue : (long)v;
    }
}
