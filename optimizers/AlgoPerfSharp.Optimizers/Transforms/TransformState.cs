using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// The typed state of one transform (moments, counters). Owns its tensors (created outside any DisposeScope) and
/// disposes them. <see cref="Save"/>/<see cref="Load"/> round-trip it through a checkpoint under a name prefix.
/// </summary>
public abstract class TransformState : IDisposable
{
    /// <summary>Writes this state into <paramref name="into"/> under <paramref name="prefix"/> (tensors are cloned).</summary>
    public abstract void Save(AlgorithmState into, string prefix);

    /// <summary>Restores this state from <paramref name="from"/> (values are copied in place).</summary>
    public abstract void Load(AlgorithmState from, string prefix);

    /// <summary>Adds this state's diagnostics (counters, not tensors) to <paramref name="into"/>; none by default.</summary>
    public virtual void AddDiagnostics(IDictionary<string, double> into)
    {
    }

    /// <summary>
    /// Moves the parameters to the point an evaluation should see (Schedule-Free's average x) and remembers that it did;
    /// nothing by default. <paramref name="parameters"/> are this state's parameters, in init order; runs under no-grad.
    /// </summary>
    public virtual void SwapToEvaluation(IReadOnlyList<ModelParameter> parameters)
    {
    }

    /// <summary>
    /// Undoes <see cref="SwapToEvaluation"/>, putting the training point back before the next gradient is computed;
    /// nothing by default, and nothing when the parameters were not swapped.
    /// </summary>
    public virtual void SwapToTraining(IReadOnlyList<ModelParameter> parameters)
    {
    }

    /// <summary>Releases owned tensors.</summary>
    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    /// <summary>Allocates a zero tensor like <paramref name="like"/> that survives the caller's DisposeScope.</summary>
    protected static Tensor ZerosLike(Tensor like) => DisposeScope.Detach(like.ZerosLike());

    /// <summary>Saves a list of tensors as prefix.i.</summary>
    protected static void SaveList(AlgorithmState into, string prefix, IReadOnlyList<Tensor> tensors)
    {
        for (int i = 0; i < tensors.Count; i++) SaveTensor(into, $"{prefix}.{i}", tensors[i]);
    }

    /// <summary>Copies prefix.i into each tensor of the list.</summary>
    protected static void LoadList(AlgorithmState from, string prefix, IReadOnlyList<Tensor> tensors)
    {
        for (int i = 0; i < tensors.Count; i++) LoadTensor(from, $"{prefix}.{i}", tensors[i]);
    }

    /// <summary>Saves a clone of <paramref name="tensor"/> as <paramref name="key"/>.</summary>
    protected static void SaveTensor(AlgorithmState into, string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(tensor);
        into.Tensors[key] = DisposeScope.Detach(tensor.Clone());
    }

    /// <summary>Copies the checkpoint tensor <paramref name="key"/> into <paramref name="tensor"/>.</summary>
    /// <exception cref="InvalidDataException">The key is missing or its shape differs.</exception>
    protected static void LoadTensor(AlgorithmState from, string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(tensor);
        var src = from.Tensor(key);
        if (!src.Shape.AsSpan().SequenceEqual(tensor.Shape))
        {
            throw new InvalidDataException($"checkpoint tensor {key} has shape [{string.Join(", ", src.Shape)}], expected [{string.Join(", ", tensor.Shape)}]");
        }

        tensor.CopyInPlace(src);
    }
}

/// <summary>State of a transform that keeps nothing.</summary>
public sealed class EmptyState : TransformState
{
    /// <summary>The shared instance.</summary>
    public static EmptyState Instance { get; } = new();

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
    }
}
