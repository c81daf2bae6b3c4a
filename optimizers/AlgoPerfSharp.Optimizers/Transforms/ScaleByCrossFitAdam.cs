using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Cross-fitted Adam with variance-corrected inversion (arXiv 2605.20756; official code
/// fastino-ai/preconditioner-bias-correction, <c>BiasCorrectedAdamW</c>). The update (the incoming gradient) is g_A, the
/// mean gradient of group A; the second moment is fed only by the disjoint group B's microbatch gradients g_{B_1…B_b}
/// (<see cref="CrossFitAdamState.Sample"/>). At step t, with bc_k = 1 − β_kᵗ:
/// <code>
/// p_j = √((β2·v + (1 − β2)·g_{B_j}²) / bc2)       hypothetical roots from v_{t−1}, j = 1…b
/// Var = sample variance of p_j / b                  (variance of their mean; only with variance correction, b ≥ 2)
/// m ← β1·m + (1 − β1)·g_A                           v ← β2·v + (1 − β2)·mean_j g_{B_j}²
/// d = √(v / bc2) + ε                                inv = max(0, 1/d − Var/d³)   (1/d without correction)
/// u ← (m / bc1)·inv
/// </code>
/// Without a sample (nothing set for this step) v is fed g_A² and nothing is corrected: plain Adam. Follow with
/// <see cref="AddDecayedWeights"/> and <see cref="ScaleByLearningRate"/> for AdamW's decoupled step.
/// </summary>
public sealed class ScaleByCrossFitAdam : GradientTransform<CrossFitAdamState>
{
    /// <summary>Validates and creates the transform.</summary>
    /// <param name="beta1">β1 ∈ [0, 1).</param>
    /// <param name="beta2">β2 ∈ [0, 1).</param>
    /// <param name="eps">ε ≥ 0 added to the root.</param>
    /// <param name="varianceCorrection">Subtract the delta-method term Var/d³ from 1/d.</param>
    public ScaleByCrossFitAdam(double beta1, double beta2, double eps, bool varianceCorrection)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentException($"epsilon must be finite and ≥ 0 (got {eps})", nameof(eps));
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        VarianceCorrection = varianceCorrection;
    }

    /// <summary>β1.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>Whether the inversion is variance-corrected.</summary>
    public bool VarianceCorrection { get; }

    /// <inheritdoc/>
    public override string Name => "cross_fit_adam";

    /// <inheritdoc/>
    protected override CrossFitAdamState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters);

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, CrossFitAdamState state)
    {
        var sample = state.Sample;
        state.Sample = null;
        for (int i = 0; i < context.Updates.Length; i++)
        {
            Direction(context.Updates[i], state.M[i], state.V[i], sample?.Select(g => g[i]).ToArray(), context.Step, Beta1, Beta2, Eps, VarianceCorrection);
        }
    }

    /// <summary>
    /// The step for one parameter: rewrites <paramref name="u"/> (g_A on entry) into (m / bc1)·inv and advances m and v
    /// with B's gradients <paramref name="b"/> (g_A² when null). Shared with <see cref="ScaleByCrossFitShampoo"/>'s
    /// non-matrix parameters.
    /// </summary>
    internal static void Direction(Tensor u, Tensor m, Tensor v, IReadOnlyList<Tensor>? b, long step, double beta1, double beta2, double eps, bool correction)
    {
        // One native pass over u, m, v and B's gradients, each op's rounding in the order of the formula above (was
        // ≈ 50 ATen ops and passes per parameter with b = 4).
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        FusedSteps.CrossFitAdamInPlace(u, m, v, b ?? [], beta1, beta2, eps, bc1, bc2, correction);
    }
}
