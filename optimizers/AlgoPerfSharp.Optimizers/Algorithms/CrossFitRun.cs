using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// One trial of a cross-fitted algorithm (<see cref="CrossFitAdamW"/>, <see cref="CrossFitShampoo"/>): the step's batch in M microbatches (one sub-batch gradient pass,
/// <see cref="StepContext.ComputeSubBatchGradients"/>), the first M/2 forming group A and the rest group B; every
/// parameter's gradient becomes g_A (their example-weighted mean), B's gradients become the transform's preconditioner
/// sample (<see cref="ICrossFitState"/>), and the engine steps. A non-finite B gradient skips the step (as the engine's guard does for g_A).
/// </summary>
internal sealed class CrossFitRun : ITrainingRun
{
    private readonly TransformRun _run;
    private readonly ICrossFitState _state;
    private readonly int _microbatches;
    private long _skipped;

    public CrossFitRun(TransformRun run, int microbatches)
    {
        _run = run ?? throw new ArgumentNullException(nameof(run));
        _state = Find(run.Optimizer.State) ?? throw new ArgumentException("the recipe has no cross-fitted transform", nameof(run));
        _microbatches = microbatches;
    }

    /// <summary>The validated <c>microbatches</c>: even (half per side) and at most the batch.</summary>
    public static int Microbatches(HyperparameterReader h, WorkloadInfo workload)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(workload);
        int microbatches = h.PositiveInt("microbatches");
        if (microbatches % 2 != 0) throw new ArgumentException($"microbatches must be even, half for each side (got {microbatches})");
        if (microbatches > workload.ReferenceBatchSize)
        {
            throw new ArgumentException($"microbatches = {microbatches} exceeds the batch of {workload.Name} ({workload.ReferenceBatchSize} examples); set microbatches ≤ {workload.ReferenceBatchSize}");
        }

        return microbatches;
    }

    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _run.Optimizer.PrepareForTraining();
        var parts = step.ComputeSubBatchGradients(_microbatches);
        double loss = parts.Sum(p => p.Loss * p.Examples) / parts.Sum(p => p.Examples);
        int half = parts.Count / 2;
        var a = parts.Take(half).ToArray();
        var b = parts.Skip(half).ToArray();
        if (!b.All(part => TransformOptimizer.AllFinite(part.Gradients)))
        {
            _skipped++;
            return loss;
        }

        using (Autograd.NoGrad())
        {
            double examples = a.Sum(part => part.Examples);
            for (int i = 0; i < step.Parameters.Count; i++)
            {
                var gA = a.Select(part => part.Gradients[i].Mul(part.Examples / examples)).Aggregate((x, y) => x.AddInPlace(y));
                step.Parameters[i].Tensor.Grad = gA;
            }
        }

        _state.Sample = b.Select(part => part.Gradients).ToArray();
        _run.Optimizer.Step();
        _state.Sample = null;
        return loss;
    }

    public void PrepareForEval(StepContext step) => _run.PrepareForEval(step);

    public AlgorithmState SaveState() => _run.SaveState();

    public void LoadState(AlgorithmState state) => _run.LoadState(state);

    public IReadOnlyDictionary<string, double> Diagnostics() =>
        new Dictionary<string, double>(_run.Diagnostics(), StringComparer.Ordinal) { ["cross_fit/skipped_nonfinite_b"] = _skipped };

    public void Dispose() => _run.Dispose();

    private static ICrossFitState? Find(TransformState state) => state switch
    {
        ICrossFitState s => s,
        Chain.ChainState c => c.States.Select(Find).FirstOrDefault(s => s is not null),
        _ => null,
    };
}
