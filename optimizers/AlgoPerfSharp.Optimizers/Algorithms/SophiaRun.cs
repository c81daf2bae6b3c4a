using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// One trial of Sophia (<see cref="SophiaG"/>, <see cref="SophiaH"/>): the engine's step (<see cref="TransformRun"/>),
/// then after every k-th update the diagonal-Hessian refresh as in the official training loop (<c>iter % k == k − 1</c>,
/// after the step, on the same batch) by the algorithm's estimator: <see cref="GaussNewtonBartlett"/> (Sophia-G) or
/// <see cref="Hutchinson"/> (Sophia-H). Refresh r draws from a generator seeded with (trial seed, r), so a resumed trial
/// draws the same labels or probe vectors.
/// </summary>
internal sealed class SophiaRun : ITrainingRun
{
    private readonly TransformRun _run;
    private readonly SophiaState _state;
    private readonly int _k;
    private readonly ulong _seed;
    private readonly Action<StepContext, Generator, SophiaState> _refresh;

    public SophiaRun(TransformRun run, int k, ulong seed, Action<StepContext, Generator, SophiaState> refresh)
    {
        _run = run ?? throw new ArgumentNullException(nameof(run));
        _state = Find(run.Optimizer.State) ?? throw new ArgumentException("the recipe has no ScaleBySophia", nameof(run));
        _k = k;
        _seed = seed;
        _refresh = refresh ?? throw new ArgumentNullException(nameof(refresh));
    }

    /// <summary>
    /// Sophia-G's estimator: labels sampled from the model's predictive distribution (<see cref="PredictiveSampler"/>),
    /// the gradient ĝ of their mean loss from <see cref="StepContext.ComputeLossAndGradientsForTargets"/> (a second
    /// gradient evaluation in that step), and h ← β2·h + (1 − β2)·B·ĝ², B the labels sampled.
    /// </summary>
    public static Action<StepContext, Generator, SophiaState> GaussNewtonBartlett(LossType loss) => (step, generator, state) =>
    {
        double labels = 0;
        step.ComputeLossAndGradientsForTargets(outputs =>
        {
            var sampled = PredictiveSampler.Sample(outputs, loss, generator);
            labels += sampled.NumElements;
            return sampled;
        });
        using var scope = new DisposeScope();
        var grads = step.Parameters.Select(p => p.Tensor.Grad ?? p.Tensor.ZerosLike()).ToArray();
        state.UpdateHessian(grads, labels);
    };

    /// <summary>
    /// Sophia-H's estimator (the paper's Algorithm 1, Rademacher probes as optax): u with independent ±1 entries, one
    /// Hessian–vector product Hu from <see cref="StepContext.ComputeHessianVectorProduct"/>, ĥ = u ⊙ Hu (unbiased for
    /// diag H), and h ← β2·h + (1 − β2)·ĥ.
    /// </summary>
    public static void Hutchinson(StepContext step, Generator generator, SophiaState state)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(state);
        using var scope = new DisposeScope();
        Tensor[] u;
        using (Autograd.NoGrad())
        {
            // drawn by the (CPU) generator, then moved to the parameter's device (a no-op on CPU)
            u = [.. step.Parameters.Select(p => ((Tensor.RandInt(0, 2, p.Tensor.Shape, generator, p.Tensor.DType) * 2.0) - 1.0).To(p.Tensor.DType, p.Tensor.Device))];
        }

        var hu = step.ComputeHessianVectorProduct(u);
        using var noGrad = Autograd.NoGrad();
        state.UpdateHessianDiagonal([.. u.Zip(hu, (a, b) => a * b)]);
    }

    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        long before = _run.Optimizer.StepCount;
        double loss = _run.Update(step);
        long t = _run.Optimizer.StepCount;
        if (t == before || t % _k != 0) return loss;

        using var generator = new Generator(unchecked(_seed * 0x9E3779B97F4A7C15UL + (ulong)(t / _k)));
        _refresh(step, generator, _state);
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
