using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads;

/// <summary>A trainable parameter of a workload's model, with its type.</summary>
/// <param name="Name">Dotted name.</param>
/// <param name="Parameter">The parameter (owned by the model).</param>
/// <param name="Type">What it is.</param>
public sealed record WorkloadParameter(string Name, Parameter Parameter, ParameterType Type)
{
    /// <summary>Where the parameter sits in a width ladder, or null outside one (see <see cref="Transfer.WidthFamily"/>).</summary>
    public WidthMetadata? Width { get; init; }

    /// <summary>The algorithm's view of this parameter: the same tensor, name, type and width metadata.</summary>
    public ModelParameter ToModelParameter() => new(Name, Parameter.Data, Type) { Width = Width };
}

/// <summary>A model built by a workload: the module plus its typed parameters. Disposing disposes the module.</summary>
/// <param name="Module">The network.</param>
/// <param name="Parameters">Every trainable parameter, in a fixed order, with its type.</param>
public sealed record WorkloadModel(Module Module, IReadOnlyList<WorkloadParameter> Parameters) : IDisposable
{
    /// <summary>Disposes the module and its parameters.</summary>
    public void Dispose() => Module.Dispose();
}

/// <summary>One batch as tensors. The caller owns it (dispose it, or let the step's DisposeScope do it).</summary>
/// <param name="Inputs">Images (N, 1, H, W) float32 or tokens (B, T) int64.</param>
/// <param name="Targets">Labels (N) or next tokens (B, T), int64.</param>
/// <param name="Count">Examples (images or windows) in the batch.</param>
public sealed record Batch(Tensor Inputs, Tensor Targets, int Count) : IDisposable
{
    /// <summary>Examples <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 as views (no copy).</summary>
    public Batch Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        return new Batch(Inputs.Narrow(0, start, count), Targets.Narrow(0, start, count), count);
    }

    /// <summary>
    /// This batch on <paramref name="device"/>: the batch itself when both tensors are already there (a CPU batch for
    /// the CPU); otherwise a new batch of moved tensors in the caller's DisposeScope, and this batch is disposed.
    /// </summary>
    public Batch To(Device device)
    {
        if (Inputs.Device == device && Targets.Device == device) return this;
        var moved = new Batch(Inputs.To(device), Targets.To(device), Count);
        Dispose();
        return moved;
    }

    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}

/// <summary>A stream of training batches prepared ahead on a background thread.</summary>
public interface IBatchStream : IDisposable
{
    /// <summary>Index of the batch <see cref="Next"/> returns (for checkpoints: resume from it).</summary>
    long NextIndex { get; }

    /// <summary>Total time <see cref="Next"/> waited for the producer.</summary>
    TimeSpan StallTime { get; }

    /// <summary>The next batch as tensors, created in the caller's DisposeScope.</summary>
    Batch Next();
}

/// <summary>
/// A workload (AlgoPerf's workload API): fixed data, model, loss and metrics. Never sees which algorithm runs.
/// Set-up (data loading, model building, batch streams) is untimed; <see cref="Loss"/> runs inside the timed step;
/// <see cref="Evaluate"/> is untimed and must not change the model's parameters.
/// </summary>
public interface IWorkload : IDisposable
{
    /// <summary>The workload's constants.</summary>
    WorkloadSpec Spec { get; }

    /// <summary>
    /// Where the workload's models and batches live (default: the CPU). Set it before <see cref="CreateModel"/>: a model
    /// is initialised on the CPU (the same seeded values on every device) and then moved here; training and eval batches
    /// are built on the host and moved here. A model built before a change stays where it was. The default
    /// implementation (for workloads that do not place tensors themselves) accepts only the CPU.
    /// </summary>
    /// <exception cref="NotSupportedException">Set to a device the workload cannot use.</exception>
    Device Device
    {
        get => Device.Cpu;
        set
        {
            if (!value.IsCpu) throw new NotSupportedException($"workload {Spec.Name} runs only on the CPU (it does not implement IWorkload.Device), not on {value}");
        }
    }

    /// <summary>Builds the model with weights drawn from <paramref name="seed"/> (untimed).</summary>
    WorkloadModel CreateModel(ulong seed, double dropoutRate = 0);

    /// <summary>Training batches of <paramref name="batchSize"/>, a pure function of (<paramref name="seed"/>, index), starting at <paramref name="startIndex"/>.</summary>
    IBatchStream TrainBatches(ulong seed, int batchSize, long startIndex = 0);

    /// <summary>Mean training loss of <paramref name="model"/> on <paramref name="batch"/> (model in train mode; label smoothing as asked).</summary>
    Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0);

    /// <summary>
    /// The model's outputs on <paramref name="batch"/>'s inputs (logits; model in train mode, with grad), so that an
    /// algorithm can form a loss over targets of its own with <see cref="LossOf"/>. <see cref="Loss"/> equals
    /// <c>LossOf(Outputs(model, batch), batch.Targets)</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The workload does not expose its outputs (the default).</exception>
    Tensor Outputs(WorkloadModel model, Batch batch) => throw new NotSupportedException($"workload {Spec.Name} does not expose its outputs, so it offers no loss over other targets");

    /// <summary>The workload's mean training loss of <paramref name="outputs"/> against <paramref name="targets"/> (same shape and type as a batch's targets).</summary>
    /// <exception cref="NotSupportedException">The workload does not expose its outputs (the default).</exception>
    Tensor LossOf(Tensor outputs, Tensor targets, double labelSmoothing = 0) => throw new NotSupportedException($"workload {Spec.Name} does not expose its outputs, so it offers no loss over other targets");

    /// <summary>
    /// Whether <see cref="Loss"/>, recorded inside <see cref="Autograd.TwiceDifferentiable"/>, can be differentiated twice
    /// (every op in its graph has a differentiable backward), so that the step's oracle can offer Hessian–vector
    /// products. False by default: a workload declares it only once a test has run a Hessian–vector product through
    /// its model. Every built-in workload but the click-log DLRMs declares it (the fused attention, RMSNorm and RoPE take
    /// their composed graphs inside that scope; the DLRMs' sparse embedding bags have no second derivative).
    /// </summary>
    bool TwiceDifferentiable => false;

    /// <summary>Metrics of the model on a split (names without split prefix, e.g. <c>error_rate</c>, <c>loss</c>), in eval mode, under no-grad, each batch in its own DisposeScope.</summary>
    IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split);
}
