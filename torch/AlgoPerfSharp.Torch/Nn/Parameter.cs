namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// A trainable tensor: a leaf that requires grad, owned by the <see cref="Module"/> that registers it (or by whoever
/// created it, until then). It lives outside every <see cref="DisposeScope"/>, so it survives the per-step scopes;
/// it is released by <see cref="Dispose"/> (a module disposes its parameters).
/// </summary>
/// <remarks>
/// Converts implicitly to its <see cref="Tensor"/>, so it can be passed to any op (<c>x.MatMul(p)</c>,
/// <c>Functional.Linear(x, weight, bias)</c>). Optimizers update <see cref="Data"/> in place (under
/// <see cref="Autograd.NoGrad"/>). Not thread-safe.
/// </remarks>
public sealed class Parameter : IDisposable
{
    /// <summary>
    /// Wraps <paramref name="data"/> as a parameter, taking ownership of it: it is detached from its
    /// <see cref="DisposeScope"/> and marked <see cref="Tensor.RequiresGrad"/> = <paramref name="requiresGrad"/>.
    /// </summary>
    /// <param name="data">A leaf tensor (not the result of a recorded op: call <see cref="Tensor.Detach"/> first).</param>
    /// <param name="requiresGrad">Whether autograd computes a gradient for it.</param>
    /// <param name="tag">Free-form label (e.g. "embedding", "norm") for optimizers that treat groups differently.</param>
    public Parameter(Tensor data, bool requiresGrad = true, string? tag = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsLeaf)
        {
            throw new ArgumentException("a parameter must wrap a leaf tensor; pass tensor.Detach() instead of a result of a recorded op", nameof(data));
        }

        if (requiresGrad && !data.DType.IsFloatingPoint())
        {
            throw new ArgumentException($"only floating-point tensors can require grad, got {data.DType}", nameof(data));
        }

        Data = DisposeScope.Detach(data);
        Data.RequiresGrad = requiresGrad;
        Tag = tag;
    }

    /// <summary>The leaf tensor (owned by this parameter; do not dispose it separately).</summary>
    public Tensor Data { get; }

    /// <summary>Free-form label set at construction (null when none).</summary>
    public string? Tag { get; set; }

    /// <summary>Whether autograd computes a gradient for this parameter.</summary>
    public bool RequiresGrad
    {
        get => Data.RequiresGrad;
        set => Data.RequiresGrad = value;
    }

    /// <summary>
    /// The accumulated gradient, or null. Each read returns a new handle (owned by the caller / current scope) to the
    /// stored gradient; setting null clears it.
    /// </summary>
    public Tensor? Grad
    {
        get => Data.Grad;
        set => Data.Grad = value;
    }

    /// <summary>The shape of <see cref="Data"/>.</summary>
    public long[] Shape => Data.Shape;

    /// <summary>The element type of <see cref="Data"/>.</summary>
    public DType DType => Data.DType;

    /// <summary>Number of elements.</summary>
    public long NumElements => Data.NumElements;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Data.IsDisposed;

    /// <summary>The parameter's tensor.</summary>
    public static implicit operator Tensor(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Data;
    }

    /// <summary>Clears the gradient (sets it to null, freeing its memory).</summary>
    public void ZeroGrad() => Data.Grad = null;

    /// <summary>Releases the tensor. Idempotent.</summary>
    public void Dispose() => Data.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"Parameter([{string.Join(", ", Shape)}], {DType}{(Tag is null ? string.Empty : ", tag " + Tag)})";
}
