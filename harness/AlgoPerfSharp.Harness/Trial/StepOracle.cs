using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// The harness's <see cref="IStepOracle"/> for one timed step of a trial: the workload's loss over the step's batch
/// and any batches drawn into the step, the model's parameters' gradients set in place. Created inside the step's
/// DisposeScope, so every tensor it makes (batches drawn, sub-batch gradients) is released with the step. Sparse
/// gradients of embedding tables (<see cref="ParameterType.Embedding"/>) are replaced by their dense copies unless the
/// algorithm accepts them (<see cref="ITrainingAlgorithm.AcceptsSparseGradients"/>); sub-batch gradients always are.
/// </summary>
internal sealed class StepOracle : IStepOracle
{
    /// <summary>Most batches one step may hold (its own and those drawn): a bound on runaway growth, 64 × the batch.</summary>
    public const int MaxBatchesPerStep = 64;

    private readonly IWorkload _workload;
    private readonly WorkloadModel _model;
    private readonly IBatchStream _stream;
    private readonly double _labelSmoothing;
    private readonly List<Batch> _batches;
    private readonly bool _sparseGradients;

    public StepOracle(IWorkload workload, WorkloadModel model, IBatchStream stream, Batch first, double labelSmoothing, bool sparseGradients = false)
    {
        _sparseGradients = sparseGradients;
        _workload = workload ?? throw new ArgumentNullException(nameof(workload));
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _batches = [first ?? throw new ArgumentNullException(nameof(first))];
        _labelSmoothing = labelSmoothing;
    }

    /// <inheritdoc/>
    public int Examples => _batches.Sum(b => b.Count);

    /// <inheritdoc/>
    public double LossAndGradients()
    {
        ClearGrads();
        double loss = Accumulate(_batches, b => _workload.Loss(_model, b, _labelSmoothing));
        Densify(_sparseGradients);
        return loss;
    }

    /// <inheritdoc/>
    public double Loss()
    {
        using var noGrad = Autograd.NoGrad();
        double total = Examples, sum = 0;
        foreach (var b in _batches)
        {
            using var scope = new DisposeScope();
            sum += _workload.Loss(_model, b, _labelSmoothing).ToDouble() * b.Count;
        }

        return sum / total;
    }

    /// <inheritdoc/>
    public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
    {
        int smallest = _batches.Min(b => b.Count);
        if (groups < 1 || groups > smallest)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, string.Create(CultureInfo.InvariantCulture,
                $"sub-batch gradients need 1 ≤ groups ≤ the examples of a batch ({smallest}); got {groups}"));
        }

        var parameters = _model.Parameters;
        var results = new List<SubBatchGradients>(groups);
        var sums = new Tensor?[parameters.Count];
        int total = 0;
        for (int g = 0; g < groups; g++)
        {
            // group g takes the g-th of `groups` near-equal slices of every batch of the step
            var parts = _batches.Select(b =>
            {
                int start = (int)((long)b.Count * g / groups), end = (int)((long)b.Count * (g + 1) / groups);
                return b.Slice(start, end - start);
            }).ToList();
            ClearGrads();
            double loss = Accumulate(parts, p => _workload.Loss(_model, p, _labelSmoothing));
            Densify(keepSparse: false);
            int examples = parts.Sum(p => p.Count);
            var grads = new Tensor[parameters.Count];
            for (int i = 0; i < parameters.Count; i++)
            {
                var grad = parameters[i].Parameter.Grad ?? parameters[i].Parameter.Data.ZerosLike();
                grads[i] = grad.Clone();
                var weighted = grads[i].Mul(examples);
                sums[i] = sums[i] is { } s ? s.Add(weighted) : weighted;
            }

            total += examples;
            results.Add(new SubBatchGradients(loss, examples, grads));
        }

        using (Autograd.NoGrad())
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].Parameter.Grad = sums[i]!.Div(total);
        }

        return results;
    }

    /// <inheritdoc/>
    public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ClearGrads();
        double result = Accumulate(_batches, b =>
        {
            var outputs = _workload.Outputs(_model, b);
            Tensor own;
            using (Autograd.NoGrad())
            {
                own = targets(outputs.Detach());
            }

            if (own is null || !own.Shape.SequenceEqual(b.Targets.Shape) || own.DType != b.Targets.DType)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"the targets returned must have the batch targets' shape [{string.Join(", ", b.Targets.Shape)}] and type {b.Targets.DType}; got {(own is null ? "null" : $"[{string.Join(", ", own.Shape)}] {own.DType}")}"));
            }

            return _workload.LossOf(outputs, own, _labelSmoothing);
        });
        Densify(_sparseGradients);
        return result;
    }

    /// <inheritdoc/>
    public int DrawMoreData(int batches)
    {
        if (batches < 1 || _batches.Count + batches > MaxBatchesPerStep)
        {
            throw new ArgumentOutOfRangeException(nameof(batches), batches, string.Create(CultureInfo.InvariantCulture,
                $"a step may draw 1 or more batches, up to {MaxBatchesPerStep} in all (it holds {_batches.Count}); got {batches}"));
        }

        for (int i = 0; i < batches; i++) _batches.Add(_stream.Next());
        return Examples;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> HessianVectorProduct(IReadOnlyList<Tensor> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        string name = _workload.Spec.Name;
        if (!_workload.TwiceDifferentiable)
        {
            throw new NotSupportedException($"workload {name} offers no Hessian–vector products: its graph is not declared twice differentiable (IWorkload.TwiceDifferentiable is false)");
        }

        var parameters = _model.Parameters;
        var leaves = parameters.Select(p => p.Parameter.Data).ToArray();
        CheckVector(vector, parameters);
        double total = Examples;
        var sums = new Tensor[leaves.Length];
        foreach (var b in _batches)
        {
            // Pearlmutter: Hv = ∇(∇L·v). The double-backward graph of each batch is released with its scope.
            using var scope = new DisposeScope();
            Tensor[] hv;
            using (Autograd.EnableGrad()) // also when the algorithm calls from inside a no-grad block
            {
                Tensor loss;
                using (Autograd.TwiceDifferentiable()) loss = _workload.Loss(_model, b, _labelSmoothing);
                try
                {
                    var g = Autograd.Grad([loss], leaves, createGraph: true, allowUnused: true);
                    var dot = g.Select((gi, i) => (gi * vector[i]).Sum()).Aggregate((x, y) => x + y);
                    hv = dot.RequiresGrad ? Autograd.Grad([dot], leaves, allowUnused: true) : leaves.Select(l => l.ZerosLike()).ToArray();
                }
                catch (TorchException e)
                {
                    throw new NotSupportedException($"workload {name} declares a twice-differentiable graph, but libtorch refused its second backward: {e.Message}", e);
                }
            }

            double share = b.Count / total;
            using var noGrad = Autograd.NoGrad();
            for (int i = 0; i < leaves.Length; i++)
            {
                var part = _batches.Count == 1 ? hv[i] : hv[i].Mul(share);
                var previous = sums[i];
                sums[i] = DisposeScope.MoveToOuter(previous is null ? part : previous.Add(part));
                previous?.Dispose();
            }
        }

        return sums;
    }

    private static void CheckVector(IReadOnlyList<Tensor> vector, IReadOnlyList<WorkloadParameter> parameters)
    {
        if (vector.Count != parameters.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"a Hessian–vector product needs one tensor per parameter ({parameters.Count}); got {vector.Count}"), nameof(vector));
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Parameter.Data;
            var v = vector[i] ?? throw new ArgumentException($"vector[{i}] is null", nameof(vector));
            if (!v.Shape.SequenceEqual(p.Shape) || v.DType != p.DType)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"vector[{i}] must have parameter {parameters[i].Name}'s shape [{string.Join(", ", p.Shape)}] and type {p.DType}; got [{string.Join(", ", v.Shape)}] {v.DType}"), nameof(vector));
            }
        }
    }

    // Backward of each part's mean loss weighted by its share of the examples: the grads accumulate to the gradient
    // of the mean loss over all parts. Returns that mean loss.
    private static double Accumulate(IReadOnlyList<Batch> parts, Func<Batch, Tensor> loss)
    {
        double total = parts.Sum(p => p.Count), sum = 0;
        foreach (var part in parts)
        {
            var l = loss(part);
            double share = part.Count / total;
            (parts.Count == 1 ? l : l.Mul(share)).Backward();
            sum += l.ToDouble() * share;
        }

        return sum;
    }

    // Sparse gradients come only from embedding tables; checking only those keeps the cost off other workloads' steps.
    private void Densify(bool keepSparse)
    {
        if (keepSparse) return;
        foreach (var p in _model.Parameters)
        {
            if (p.Type == ParameterType.Embedding) p.Parameter.Data.DensifyGradInPlace();
        }
    }

    private void ClearGrads()
    {
        foreach (var p in _model.Parameters) p.Parameter.Grad = null;
    }
}
