using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Transfer;

/// <summary>
/// A width-ladder member: the inner workload unchanged, except that its models' parameters carry
/// <see cref="WorkloadParameter.Width"/> (<see cref="WidthFamily.Metadata"/>). Owns the inner workload.
/// </summary>
public sealed class WidthLadderWorkload : IWorkload
{
    private readonly IWorkload _inner;

    /// <summary>Wraps <paramref name="inner"/> (taking ownership), a member of <paramref name="family"/> at <paramref name="width"/> built with <paramref name="parameterisation"/>.</summary>
    public WidthLadderWorkload(IWorkload inner, WidthFamily family, int width, Models.Parameterisation parameterisation)
    {
        Parameterisation = parameterisation;
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Family = family ?? throw new ArgumentNullException(nameof(family));
        Width = family.CheckWidth(width);
    }

    /// <summary>The ladder.</summary>
    public WidthFamily Family { get; }

    /// <summary>How the member's models are initialised; under µP the harness also asks the algorithm for its transfer multipliers.</summary>
    public Models.Parameterisation Parameterisation { get; }

    /// <summary>This member's width.</summary>
    public int Width { get; }

    /// <inheritdoc/>
    public WorkloadSpec Spec => _inner.Spec;

    /// <inheritdoc/>
    /// <remarks>The inner workload's: it builds the models and batches.</remarks>
    public Device Device
    {
        get => _inner.Device;
        set => _inner.Device = value;
    }

    /// <inheritdoc/>
    public WorkloadModel CreateModel(ulong seed, double dropoutRate = 0)
    {
        var model = _inner.CreateModel(seed, dropoutRate);
        try
        {
            var annotated = model.Parameters
                .Select(p => p with { Width = Family.Metadata(p.Name, p.Type, p.Parameter.Data.Shape, Width) })
                .ToList();
            return model with { Parameters = annotated };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public IBatchStream TrainBatches(ulong seed, int batchSize, long startIndex = 0) => _inner.TrainBatches(seed, batchSize, startIndex);

    /// <inheritdoc/>
    public Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0) => _inner.Loss(model, batch, labelSmoothing);

    /// <inheritdoc/>
    public Tensor Outputs(WorkloadModel model, Batch batch) => _inner.Outputs(model, batch);

    /// <inheritdoc/>
    public Tensor LossOf(Tensor outputs, Tensor targets, double labelSmoothing = 0) => _inner.LossOf(outputs, targets, labelSmoothing);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split) => _inner.Evaluate(model, split);

    /// <inheritdoc/>
    public bool TwiceDifferentiable => _inner.TwiceDifferentiable;

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
