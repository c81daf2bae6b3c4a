using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>What the Shampoo-family built-ins share when they read hyperparameters: Adam's space and defaults, and S.</summary>
internal static class ShampooHyperparameters
{
    /// <summary>AlgoPerf's Adam search space (<see cref="AdamW.AlgoPerfAdamSearchSpace"/>) plus <paramref name="extra"/> dimensions.</summary>
    public static SearchSpace AdamSpaceWith(params SearchDimension[] extra) =>
        SearchSpace.FromDimensions([.. AdamW.AlgoPerfAdamSearchSpace.Dimensions, .. extra]);

    /// <summary><see cref="AdamW"/>'s defaults (lr 1e-3, betas 0.9/0.999, ε 1e-8, λ 0.01, 5% warm-up), blocks of 1024, plus <paramref name="extra"/>.</summary>
    public static Hyperparameters AdamDefaultsWith(IReadOnlyDictionary<string, object> extra)
    {
        var d = new Dictionary<string, object>(new AdamW().Defaults.Values, StringComparer.Ordinal) { ["max_preconditioner_dim"] = 1024.0 };
        foreach (var (k, v) in extra) d[k] = v;
        return new Hyperparameters(d);
    }

    /// <summary>start_preconditioning_step: −1 (= the frequency), a whole number, or ∞ (never).</summary>
    public static long StartStep(HyperparameterReader h)
    {
        double v = h.Get("start_preconditioning_step", -1);
        if (v != Math.Floor(v) && !double.IsPositiveInfinity(v)) throw new ArgumentException($"start_preconditioning_step must be −1 or a whole number (got {v})");
        return double.IsPositiveInfinity(v) || v >= long.MaxValue ? long.MaxValue : (long)v;
    }
}
