using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Sophia-G (Liu et al., arXiv 2305.14342; official code Liuhong99/Sophia): momentum divided by a diagonal-Hessian EMA
/// and clipped per coordinate, w ← w·(1 − η·λ) − η·clip(m / max(ρ·h, ε), ±1) (<see cref="ScaleBySophia"/>), with h
/// refreshed every k steps by the Gauss–Newton–Bartlett estimator B·ĝ⊙ĝ on labels sampled from the model
/// (<see cref="SophiaRun"/>: one extra gradient evaluation every k steps). Needs a cross-entropy workload.
/// </summary>
/// <remarks>
/// Defaults are the official GPT-2 small config (<c>config/train_gpt2_small_sophiag.py</c>): lr 6e-4, β 0.965/0.99,
/// ρ 0.05, λ 0.2, k 10, 2000 warm-up steps of 100k (warmup_factor 0.02), cosine decay; ε 1e-12 is Levanter's
/// (the official code adds 1e-15 instead of taking a floor). The official code also clips gradients at 1.0
/// (grad_clip, off unless set here). Hyperparameters: learning_rate, one_minus_beta1, beta2, rho, epsilon,
/// weight_decay, hessian_update_interval, warmup_factor, grad_clip (optional), lr_schedule.
/// </remarks>
public sealed class SophiaG() : SophiaAlgorithm(rho: 0.05, rhoLow: 0.01, rhoHigh: 0.1, refreshCost: "one extra gradient evaluation")
{
    /// <inheritdoc/>
    public override string Name => "sophia_g";

    private protected override string? Refusal(WorkloadInfo workload) => PredictiveSampler.Supports(workload.LossType) ? null :
        $"sophia_g samples labels from the model's predictive distribution, which needs a cross-entropy loss; workload {workload.Name} minimises {workload.LossType}: pick another algorithm for it";

    private protected override Action<StepContext, Generator, SophiaState> Estimator(WorkloadInfo workload) => SophiaRun.GaussNewtonBartlett(workload.LossType);
}
