using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Sophia-H (Liu et al., arXiv 2305.14342, Algorithm 1 and 3): <see cref="SophiaG"/>'s step — momentum divided by a
/// diagonal-Hessian EMA and clipped per coordinate, w ← w·(1 − η·λ) − η·clip(m / max(ρ·h, ε), ±1)
/// (<see cref="ScaleBySophia"/>) — with h refreshed every k steps by Hutchinson's estimator u ⊙ Hu on a Rademacher
/// probe u (<see cref="SophiaRun.Hutchinson"/>: one Hessian–vector product every k steps). Needs a workload that offers
/// Hessian–vector products (<see cref="WorkloadInfo.SupportsHessianVectorProducts"/>); any loss.
/// </summary>
/// <remarks>
/// Defaults are Sophia-G's (the official GPT-2 small config: lr 6e-4, β 0.965/0.99, λ 0.2, k 10, warm-up factor 0.02,
/// cosine decay; ε 1e-12 Levanter's) except ρ = 0.01, Levanter's γ for Sophia-H (0.05 for Sophia-G): Hutchinson's
/// estimate is not scaled by the batch as the GNB estimate is. Hyperparameters: as sophia_g.
/// </remarks>
public sealed class SophiaH() : SophiaAlgorithm(rho: 0.01, rhoLow: 0.002, rhoHigh: 0.05, refreshCost: "one Hessian–vector product")
{
    /// <inheritdoc/>
    public override string Name => "sophia_h";

    private protected override string? Refusal(WorkloadInfo workload) => workload.SupportsHessianVectorProducts ? null :
        $"sophia_h estimates the Hessian's diagonal from Hessian–vector products, which workload {workload.Name} does not offer (its graph is not declared twice differentiable): pick another algorithm for it";

    private protected override Action<StepContext, Generator, SophiaState> Estimator(WorkloadInfo workload) => SophiaRun.Hutchinson;
}
