using System.Globalization;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Preconditioning;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>One trial of a Shampoo-family algorithm: compute gradients, step the optimizer at the scheduled rate.</summary>
public sealed class ShampooRun : ITrainingRun
{
    private readonly LearningRateSchedule _schedule;

    /// <summary>Wraps an optimizer (owned: disposed with the run) and its schedule.</summary>
    public ShampooRun(ShampooOptimizer optimizer, LearningRateSchedule schedule)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>The optimizer (for tests and diagnostics).</summary>
    public ShampooOptimizer Optimizer { get; }

    /// <inheritdoc/>
    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        double loss = step.ComputeLossAndGradients();
        Optimizer.Step(_schedule.At(Optimizer.Calls));
        return loss;
    }

    /// <inheritdoc/>
    public AlgorithmState SaveState()
    {
        var s = new AlgorithmState();
        Optimizer.Save(s, "shampoo");
        return s;
    }

    /// <inheritdoc/>
    public void LoadState(AlgorithmState state) => Optimizer.Load(state, "shampoo");

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Diagnostics()
    {
        var d = new Dictionary<string, double>(Optimizer.Diagnostics(), StringComparer.Ordinal)
        {
            ["learning_rate"] = _schedule.At(Optimizer.Calls),
        };
        return d;
    }

    /// <inheritdoc/>
    public void Dispose() => Optimizer.Dispose();

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ShampooRun(step {Optimizer.StepCount})");
}
