using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// One trial of a <see cref="TransformAlgorithm"/>: compute gradients, run the recipe, apply. <see cref="PrepareForEval"/>
/// lets the recipe swap in its evaluation point (Schedule-Free's average); the contract has no "after eval" hook, so the
/// next <see cref="Update"/> swaps the training point back before it computes the gradient. A checkpoint taken between
/// the two records which point the parameters hold, so it resumes consistently either way.
/// </summary>
public sealed class TransformRun : ITrainingRun
{
    private readonly TransformOptimizer _optimizer;
    private readonly LearningRateSchedule _schedule;

    /// <summary>Wraps an optimizer and the schedule it uses (for diagnostics).</summary>
    public TransformRun(TransformOptimizer optimizer, LearningRateSchedule schedule)
    {
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>The optimizer (for tests and diagnostics).</summary>
    public TransformOptimizer Optimizer => _optimizer;

    /// <inheritdoc/>
    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _optimizer.PrepareForTraining();
        double loss = step.ComputeLossAndGradients();
        _optimizer.Step();
        return loss;
    }

    /// <inheritdoc/>
    public void PrepareForEval(StepContext step) => _optimizer.PrepareForEval();

    /// <inheritdoc/>
    public AlgorithmState SaveState()
    {
        var s = new AlgorithmState();
        _optimizer.Save(s);
        return s;
    }

    /// <inheritdoc/>
    public void LoadState(AlgorithmState state) => _optimizer.Load(state);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Diagnostics() => new Dictionary<string, double>(_optimizer.Diagnostics(), StringComparer.Ordinal)
    {
        ["learning_rate"] = _schedule.At(_optimizer.StepCount),
    };

    /// <inheritdoc/>
    public void Dispose() => _optimizer.Dispose();
}
