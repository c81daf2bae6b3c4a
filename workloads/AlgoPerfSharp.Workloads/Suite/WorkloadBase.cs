using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// What the built-in workloads share (designed for inheritance): models built by a seeded factory and wrapped with
/// their tagged parameters, and training batches produced as host arrays on a background thread
/// (<see cref="BatchPrefetcher{T}"/>) and turned into tensors only in <see cref="IBatchStream.Next"/>. Models are built
/// on the CPU and then moved to <see cref="Device"/>; batches are moved there by <see cref="ToDevice"/> (training
/// batches here, evaluation batches by each workload's <see cref="Evaluate"/>). On the CPU both are no-ops.
/// </summary>
/// <typeparam name="THostBatch">The host-side batch (managed arrays) a derived workload produces.</typeparam>
public abstract class WorkloadBase<THostBatch> : IWorkload
{
    private readonly Func<ulong, double, Module> _buildModel;

    /// <summary>Stores the spec and the model factory.</summary>
    /// <param name="spec">The workload's constants.</param>
    /// <param name="buildModel">(seed, dropout) → a module whose parameters are all tagged (see <see cref="ParameterTags"/>).</param>
    protected WorkloadBase(WorkloadSpec spec, Func<ulong, double, Module> buildModel)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        _buildModel = buildModel ?? throw new ArgumentNullException(nameof(buildModel));
    }

    /// <inheritdoc/>
    public WorkloadSpec Spec { get; }

    /// <inheritdoc/>
    public Device Device { get; set; } = Device.Cpu;

    /// <inheritdoc/>
    public WorkloadModel CreateModel(ulong seed, double dropoutRate = 0)
    {
        var module = _buildModel(seed, dropoutRate); // initialised on the CPU: the same values on every device
        try
        {
            if (!Device.IsCpu) module.To(Device);
            return ParameterTags.ToWorkloadModel(module);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public IBatchStream TrainBatches(ulong seed, int batchSize, long startIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(startIndex);
        return new PrefetchedBatchStream<THostBatch>(i => TrainBatch(seed, i, batchSize), b => ToDevice(ToTensors(b)), startIndex, Spec.Name + "-train");
    }

    /// <inheritdoc/>
    public abstract Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0);

    /// <inheritdoc/>
    public virtual Tensor Outputs(WorkloadModel model, Batch batch) =>
        throw new NotSupportedException($"workload {Spec.Name} does not expose its outputs, so it offers no loss over other targets");

    /// <inheritdoc/>
    public virtual Tensor LossOf(Tensor outputs, Tensor targets, double labelSmoothing = 0) =>
        throw new NotSupportedException($"workload {Spec.Name} does not expose its outputs, so it offers no loss over other targets");

    /// <inheritdoc/>
    /// <remarks>True for the image and language built-ins (ResNet with BatchNorm, ViT, Llama, the width ladders): tested by Hessian–vector products through each; the click-log DLRMs override it to false (sparse embedding bags).</remarks>
    public virtual bool TwiceDifferentiable => true;

    /// <inheritdoc/>
    public abstract IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split);

    /// <summary>Releases what the workload owns.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Training batch <paramref name="index"/> under <paramref name="seed"/> as host arrays (called on the prefetch thread).</summary>
    protected abstract THostBatch TrainBatch(ulong seed, long index, int batchSize);

    /// <summary>Turns a host batch into (CPU) tensors in the caller's DisposeScope.</summary>
    protected abstract Batch ToTensors(THostBatch batch);

    /// <summary><paramref name="batch"/> on <see cref="Device"/> (<see cref="Batch.To"/>: the batch itself on the CPU).</summary>
    protected Batch ToDevice(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.To(Device);
    }

    /// <summary>Override to release owned resources (call base).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
