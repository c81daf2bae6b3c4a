using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// u ← −η(t)·m·u, with η from a schedule evaluated at the 0-based update index (Step − 1) and m the parameter's
/// learning-rate multiplier (<see cref="UpdateContext.Multipliers"/>; 1 without).
/// </summary>
public sealed class ScaleByLearningRate : GradientTransform<EmptyState>
{
    /// <summary>Creates the transform.</summary>
    public ScaleByLearningRate(LearningRateSchedule schedule) => Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <summary>The schedule.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <inheritdoc/>
    public override string Name => "learning_rate";

    /// <inheritdoc/>
    protected override EmptyState InitState(IReadOnlyList<ModelParameter> parameters) => EmptyState.Instance;

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, EmptyState state)
    {
        double lr = Schedule.At(context.Step - 1);
        for (int i = 0; i < context.Updates.Length; i++) context.Updates[i].MulInPlace(-lr * context.MultipliersOf(i).LearningRate);
    }
}
