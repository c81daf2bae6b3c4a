using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Sophia's clipped, curvature-scaled direction (Liu et al., arXiv 2305.14342; Liuhong99/Sophia's <c>SophiaG</c>):
/// <code>
/// m ← β1·m + (1 − β1)·g                      (no bias correction, as the official code)
/// u ← clip(m / max(ρ·h, ε), −1, 1)           = sign(m)·min(|m| / max(ρ·h, ε), 1)
/// </code>
/// h is the diagonal-Hessian EMA in <see cref="SophiaState"/>, refreshed every k steps by the algorithm's run (not by
/// this transform). Follow it with <see cref="AddDecayedWeights"/> and <see cref="ScaleByLearningRate"/> for the
/// official step w ← w·(1 − η·λ) − η·u. The official code divides by ρ·bs·h + 1e-15 with h the EMA of ĝ² and bs the
/// tokens per step; here B is folded into h (the paper's GNB estimate B·ĝ⊙ĝ) and ε is a floor (the paper's form).
/// In that recipe <see cref="Chain"/> runs the step, the decay, the learning rate and the apply as one native pass
/// (<see cref="FusedSteps.SophiaInPlace"/>); this transform's own update is the op-by-op form.
/// </summary>
public sealed class ScaleBySophia : GradientTransform<SophiaState>
{
    /// <summary>Validates and creates the transform.</summary>
    /// <param name="beta1">β1 ∈ [0, 1): the momentum decay.</param>
    /// <param name="beta2">β2 ∈ [0, 1): the Hessian EMA's decay (per refresh).</param>
    /// <param name="rho">ρ ≥ 0 (the paper's γ): the Hessian's scale in the denominator (0: every coordinate clipped, sign momentum).</param>
    /// <param name="eps">ε &gt; 0: the denominator's floor.</param>
    public ScaleBySophia(double beta1, double beta2, double rho, double eps)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(rho >= 0) || double.IsInfinity(rho)) throw new ArgumentException($"rho must be finite and ≥ 0 (got {rho})", nameof(rho));
        if (!(eps > 0) || double.IsInfinity(eps)) throw new ArgumentException($"epsilon must be finite and > 0 (got {eps})", nameof(eps));
        Beta1 = beta1;
        Beta2 = beta2;
        Rho = rho;
        Eps = eps;
    }

    /// <summary>β1.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ρ.</summary>
    public double Rho { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    public override string Name => "sophia";

    /// <inheritdoc/>
    protected override SophiaState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters, Beta2, Rho, Eps);

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, SophiaState state)
    {
        for (int i = 0; i < context.Updates.Length; i++)
        {
            var u = context.Updates[i];
            state.M[i].LerpInPlace(u, 1 - Beta1);
            using var denominator = state.H[i].Mul(Rho).ClampInPlace(min: Eps);
            u.CopyInPlace(state.M[i]).DivInPlace(denominator).ClampInPlace(-1.0, 1.0);
        }
    }
}
