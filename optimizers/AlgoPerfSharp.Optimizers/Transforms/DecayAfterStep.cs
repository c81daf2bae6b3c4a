using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Weight decay applied after the step on the updated weights (nikhilvyas/SOAP): with u the finished update,
/// u ← u − η(t)·λ·(w + u), i.e. w ← (w + u)·(1 − η(t)·λ), with η from the schedule at the 0-based update index and
/// not bias-corrected, times the parameter's decay multiplier (<see cref="UpdateContext.Multipliers"/>). Place it last
/// in a recipe (after <see cref="ScaleByLearningRate"/>).
/// </summary>
public sealed class DecayAfterStep : GradientTransform<EmptyState>
{
    /// <summary>Validates and creates the transform.</summary>
    public DecayAfterStep(double weightDecay, LearningRateSchedule schedule)
    {
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weight_decay must be finite and ≥ 0 (got {weightDecay})", nameof(weightDecay));
        WeightDecay = weightDecay;
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>The learning-rate schedule η(t) that scales the decay.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <inheritdoc/>
    public override string Name => "decay_after_step";

    /// <inheritdoc/>
    protected override EmptyState InitState(IReadOnlyList<ModelParameter> parameters) => EmptyState.Instance;

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, EmptyState state)
    {
        double k0 = Schedule.At(context.Step - 1) * WeightDecay;
        if (k0 == 0) return;
        for (int i = 0; i < context.Updates.Length; i++)
        {
            double k = k0 * context.MultipliersOf(i).WeightDecay;
            var u = context.Updates[i];
            u.MulInPlace(1 - k).AddInPlace(context.Parameters[i].Tensor, -k);
        }
    }
}
