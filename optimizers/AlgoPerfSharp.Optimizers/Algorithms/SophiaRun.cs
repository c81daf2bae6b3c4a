using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// One trial of <see cref="SophiaG"/>: the engine's step (<see cref="TransformRun"/>), then after every k-th update the
/// Gauss–Newton–Bartlett refresh as in the official training loop (<c>iter % k == k − 1</c>, after the step, on the same
/// batch): labels sampled from the model's predictive distribution (<see cref="PredictiveSampler"/>), the gradient ĝ of
/// their mean loss from <see cref="StepContext.ComputeLossAndGradientsForTargets"/> (a second gradient evaluation in
/// that step), and h ← β2·h + (1 − β2)·B·ĝ², B the labels sampled. Refresh r draws from a generator seeded with
/// (trial seed, r), so a resumed trial samples the same labels.
/// </summary>
internal sealed class SophiaRun : ITrainingRun
{
    private readonly TransformRun _run;
    private readonly SophiaState _state;
    private readonly int _k;
    private readonly LossType _loss;
    private readonly ulong _seed;

    public SophiaRun(TransformRun run, int k, LossType loss, ulong seed)
    {
        _run = run ?? throw new ArgumentNullException(nameof(run));
        _state = Find(run.Optimizer.State) ?? throw new ArgumentException("the recipe has no ScaleBySophia", nameof(run));
        _k = k;
        _loss = loss;
        _seed = seed;
    }

    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        long before = _run.Optimizer.StepCount;
        double loss = _run.Update(step);
        long t = _run.Optimizer.StepCount;
        if (t == before || t % _k != 0) return loss;

        using var generator = new Generator(unchecked(_seed * 0x9E3779B97F4A7C15UL + (ulong)(t / _k)));
        double labels = 0;
        step.ComputeLossAndGradientsForTargets(outputs =>
        {
            var sampled = PredictiveSampler.Sample(outputs, _loss, generator);
            labels += sampled.NumElements;
            return sampled;
        });
        using var scope = new DisposeScope();
        var grads = step.Parameters.Select(p => p.Tensor.Grad ?? p.Tensor.ZerosLike()).ToArray();
        _state.UpdateHessian(grads, labels);
        return loss;
    }

    public void PrepareForEval(StepContext step) => _run.PrepareForEval(step);

    public AlgorithmState SaveState() => _run.SaveState();

    public void LoadState(AlgorithmState state) => _run.LoadState(state);

    public IReadOnlyDictionary<string, double> Diagnostics() => _run.Diagnostics();

    public void Dispose() => _run.Dispose();

    private static SophiaState? Find(TransformState state) => state switch
    {
        SophiaState s => s,
        Chain.ChainState c => c.States.Select(Find).FirstOrDefault(s => s is not null),
        _ => null,
    };
}
