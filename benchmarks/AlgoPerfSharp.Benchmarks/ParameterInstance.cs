using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>Live parameters of a <see cref="ParameterSet"/> with their fixed gradients.</summary>
public sealed class ParameterInstance : IDisposable
{
    /// <summary>Wraps tensors the instance then owns.</summary>
    public ParameterInstance(IReadOnlyList<ModelParameter> parameters, IReadOnlyList<Tensor> gradients)
    {
        Parameters = parameters;
        Gradients = gradients;
    }

    /// <summary>The parameters (float32 leaves).</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; }

    /// <summary>The fixed gradient of each parameter.</summary>
    public IReadOnlyList<Tensor> Gradients { get; }

    /// <summary>
    /// Sets every parameter's gradient to a fresh copy of its fixed gradient (optimizers may rewrite gradients in
    /// place; this keeps each timed step on the same inputs). Untimed work.
    /// </summary>
    public void ResetGradients()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i].Tensor;
            var g = p.Grad;
            if (g is null) p.Grad = Gradients[i].Clone();
            else g.CopyInPlace(Gradients[i]);
        }
    }

    /// <summary>Disposes parameters and gradients.</summary>
    public void Dispose()
    {
        foreach (var p in Parameters) p.Tensor.Dispose();
        foreach (var g in Gradients) g.Dispose();
    }
}
