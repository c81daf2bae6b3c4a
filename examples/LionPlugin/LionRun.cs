using System.Globalization;
using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Torch;

namespace LionPlugin;

/// <summary>One trial of Lion: owns one momentum buffer per parameter.</summary>
public sealed class LionRun : ITrainingRun
{
    private readonly IReadOnlyList<ModelParameter> _parameters;
    private readonly LionConfig _config;
    private readonly Tensor[] _momentum;
    private long _steps;

    /// <summary>Allocates the momentum buffers (untimed; outside the caller's DisposeScope).</summary>
    public LionRun(IReadOnlyList<ModelParameter> parameters, LionConfig config)
    {
        _parameters = parameters;
        _config = config;
        _momentum = parameters.Select(p => DisposeScope.Detach(p.Tensor.ZerosLike())).ToArray();
    }

    /// <inheritdoc/>
    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        double loss = step.ComputeLossAndGradients();
        double lr = _config.LearningRateAt(_steps);
        using var noGrad = Autograd.NoGrad();   // the harness's DisposeScope frees the temporaries
        for (int i = 0; i < _parameters.Count; i++)
        {
            var w = _parameters[i].Tensor;
            var g = w.Grad;
            if (g is null) continue;
            var m = _momentum[i];
            var direction = m.Lerp(g, 1 - _config.Beta1).Sign();   // sign(β1·m + (1−β1)·g)
            w.MulInPlace(1 - (lr * _config.WeightDecay));            // decoupled decay on the pre-update w
            w.AddInPlace(direction, -lr);
            m.LerpInPlace(g, 1 - _config.Beta2);
        }

        _steps++;
        return loss;
    }

    /// <inheritdoc/>
    public AlgorithmState SaveState()
    {
        var s = new AlgorithmState();
        s.Values["steps"] = _steps.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < _momentum.Length; i++) s.Tensors[$"momentum.{i}"] = DisposeScope.Detach(_momentum[i].Clone());
        return s;
    }

    /// <inheritdoc/>
    public void LoadState(AlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _steps = state.Int64("steps");
        using var noGrad = Autograd.NoGrad();
        for (int i = 0; i < _momentum.Length; i++) _momentum[i].CopyInPlace(state.Tensor($"momentum.{i}"));
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Diagnostics() =>
        new Dictionary<string, double> { ["learning_rate"] = _config.LearningRateAt(_steps) };

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var m in _momentum) m.Dispose();
    }
}
