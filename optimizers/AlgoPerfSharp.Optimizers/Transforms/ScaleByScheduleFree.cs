using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Schedule-Free AdamW (Defazio et al. 2024, arXiv 2405.15682; facebookresearch/schedule_free's reference form). The
/// parameters hold the gradient point y; the state holds the base iterate z, the average x and Adam's v. At update t
/// (k = t − 1 the 0-based index) with η_k from the schedule:
/// <code>
/// γ  = η_k·√(1 − β2ᵗ)                 lr_max ← max(lr_max, γ)
/// wₜ = tʳ·lr_max^p                    c = wₜ / Σ_{s≤t} w_s   (0 while the sum is 0)
/// z ← z − γ·λ·y                       decoupled decay at y
/// v ← β2·v + (1 − β2)·g²              z ← z − γ·g / (√v + ε)
/// x ← (1 − c)·x + c·z                 y ← β1·x + (1 − β1)·z  (written into the parameters)
/// </code>
/// It owns the whole step: it writes y into the parameters itself (so the training point is exactly the value
/// <see cref="ScheduleFreeState.SwapToTraining"/> recomputes after an evaluation) and sets
/// <see cref="UpdateContext.NoUpdate"/>; put nothing after it in a recipe. Evaluation swaps x into the parameters
/// (<see cref="TransformOptimizer.PrepareForEval"/>); an update while x is swapped in is refused.
/// The update of all parameters runs as one native pass over their elements (<see cref="FusedSteps.ScheduleFreeInPlace"/>:
/// the same ops in the same order, equal up to one rounding of v and of x per step where ATen's lerp and addcmul do not
/// fuse their multiply-add); <see cref="AllowFusion"/> = false runs the ATen ops one by one. Either way y is computed by
/// <see cref="Interpolate"/>'s one formula.
/// </summary>
public sealed class ScaleByScheduleFree : GradientTransform<ScheduleFreeState>
{
    /// <summary>Validates and creates the transform.</summary>
    /// <param name="beta1">β1 ∈ [0, 1): the interpolation y = β1·x + (1 − β1)·z (0: gradients at z).</param>
    /// <param name="beta2">β2 ∈ [0, 1): the second-moment decay.</param>
    /// <param name="eps">ε ≥ 0, added to √v (not bias-corrected; the correction is in γ).</param>
    /// <param name="weightDecay">λ ≥ 0, decoupled, at y.</param>
    /// <param name="schedule">η_k (the warm-up; schedule-free needs no decay).</param>
    /// <param name="weightLrPower">p ≥ 0 of the averaging weight (0: lr_max plays no part).</param>
    /// <param name="r">r ≥ 0 of the averaging weight tʳ (0: no polynomial weighting).</param>
    public ScaleByScheduleFree(double beta1, double beta2, double eps, double weightDecay, LearningRateSchedule schedule, double weightLrPower = 2, double r = 0)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentException($"eps must be finite and ≥ 0 (got {eps})", nameof(eps));
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weight_decay must be finite and ≥ 0 (got {weightDecay})", nameof(weightDecay));
        if (!(weightLrPower >= 0) || double.IsInfinity(weightLrPower)) throw new ArgumentException($"weight_lr_power must be finite and ≥ 0 (got {weightLrPower})", nameof(weightLrPower));
        if (!(r >= 0) || double.IsInfinity(r)) throw new ArgumentException($"r must be finite and ≥ 0 (got {r})", nameof(r));
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        WeightLrPower = weightLrPower;
        R = r;
    }

    /// <summary>β1, the interpolation weight of x in y.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>η_k.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>p of the averaging weight.</summary>
    public double WeightLrPower { get; }

    /// <summary>r of the averaging weight.</summary>
    public double R { get; }

    /// <summary>Whether the update runs as one fused native pass (default true); false runs the ATen ops one by one.</summary>
    public bool AllowFusion { get; init; } = true;

    /// <inheritdoc/>
    public override string Name => "schedule_free_adam";

    /// <summary>
    /// y ← β1·x + (1 − β1)·z in place, as lerp(x, z, 1 − β1) (<see cref="FusedSteps.LerpInto"/>): the one formula of the
    /// training point, used by the step (fused or not) and by the swap back after an evaluation.
    /// </summary>
    public static void Interpolate(Tensor y, Tensor x, Tensor z, double beta1)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(z);
        FusedSteps.LerpInto([y], [x], [z], 1 - beta1);
    }

    /// <inheritdoc/>
    protected override ScheduleFreeState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters, Beta1);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The parameters hold the average x (swapped in for evaluation).</exception>
    protected override void Update(UpdateContext context, ScheduleFreeState state)
    {
        if (state.Evaluating)
        {
            throw new InvalidOperationException("schedule-free: the parameters hold the averaged iterate for evaluation; call PrepareForTraining before computing the next gradient");
        }

        long t = context.Step;
        double gamma = Schedule.At(t - 1) * Math.Sqrt(1 - Math.Pow(Beta2, t));
        state.LrMax = Math.Max(state.LrMax, gamma);
        double weight = Math.Pow(t, R) * Math.Pow(state.LrMax, WeightLrPower);
        state.WeightSum += weight;
        double c = state.WeightSum > 0 ? weight / state.WeightSum : 0;
        if (AllowFusion)
        {
            var ys = new Tensor[context.Updates.Length];
            for (int i = 0; i < ys.Length; i++) ys[i] = context.Parameters[i].Tensor;
            FusedSteps.ScheduleFreeInPlace(ys, context.Updates, state.Z, state.X, state.V, -gamma * WeightDecay, WeightDecay != 0, Beta1, Beta2, Eps, gamma, c);
            state.LastAveragingWeight = c;
            context.NoUpdate = true;
            return;
        }

        for (int i = 0; i < context.Updates.Length; i++)
        {
            var g = context.Updates[i];
            var y = context.Parameters[i].Tensor;
            var z = state.Z[i];
            var v = state.V[i];
            if (WeightDecay != 0) z.AddInPlace(y, -gamma * WeightDecay);
            v.MulInPlace(Beta2).AddCMulInPlace(g, g, 1 - Beta2);
            using var denom = v.Sqrt().AddInPlace(Eps);
            z.AddCDivInPlace(g, denom, -gamma);
            state.X[i].LerpInPlace(z, c);
            Interpolate(y, state.X[i], z, Beta1);
        }

        state.LastAveragingWeight = c;
        context.NoUpdate = true;
    }
}
