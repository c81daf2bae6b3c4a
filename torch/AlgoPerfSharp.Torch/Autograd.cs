using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Autograd switches and functional gradients. Grad mode is per thread, as in PyTorch.</summary>
public static class Autograd
{
    /// <summary>Whether ops on this thread are recorded for backward.</summary>
    public static bool IsGradEnabled
    {
        get
        {
            TorchRuntime.EnsureInitialized();
            Check(ats_grad_enabled(out bool v));
            return v;
        }
    }

    /// <summary>Disables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Enables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad() => new(true);

    /// <summary>
    /// Until the returned scope is disposed, ops on this thread that have a fused kernel whose backward is not itself
    /// differentiable (attention, RMSNorm, rotary embedding: see <see cref="TorchRuntime.FusedKernels"/>) record their
    /// composed ATen graphs instead, so that a loss computed inside can be differentiated twice (Hessian–vector
    /// products through <see cref="Grad"/> with <c>createGraph: true</c>). Outside it, a second backward through a fused
    /// node fails with a <see cref="TorchException"/> naming the node. Same numbers up to rounding; slower.
    /// </summary>
    public static TwiceDifferentiableScope TwiceDifferentiable() => new(true);

    /// <summary>
    /// The gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/> (PyTorch's
    /// <c>torch.autograd.grad</c>): one new tensor per input, shaped like it, owned by the caller (they join the current
    /// <see cref="DisposeScope"/>). Nothing accumulates into any <see cref="Tensor.Grad"/>.
    /// </summary>
    /// <param name="outputs">Tensors to differentiate (at least one); each must require grad.</param>
    /// <param name="inputs">Tensors to differentiate with respect to (at least one), e.g. parameters.</param>
    /// <param name="gradOutputs">One seed per output (the vector of a vector–Jacobian product), or null when every output has one element (seeds of 1).</param>
    /// <param name="createGraph">
    /// Record the backward itself, so the gradients returned can be differentiated again (Hessian–vector products:
    /// differentiate g·v). Needs a graph recorded inside <see cref="TwiceDifferentiable"/> when it holds fused nodes.
    /// </param>
    /// <param name="retainGraph">Keep the graph for another pass; null = <paramref name="createGraph"/>, as in PyTorch.</param>
    /// <param name="allowUnused">An input the outputs do not depend on gets zeros instead of an error.</param>
    /// <exception cref="ArgumentException">Empty lists, or a seed count other than the outputs'.</exception>
    /// <exception cref="TorchException">libtorch refused (an output that does not require grad, an unused input, a node that is not twice differentiable).</exception>
    public static unsafe Tensor[] Grad(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor>? gradOutputs = null,
        bool createGraph = false,
        bool? retainGraph = null,
        bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (outputs.Count == 0) throw new ArgumentException("autograd grad needs at least one output", nameof(outputs));
        if (inputs.Count == 0) throw new ArgumentException("autograd grad needs at least one input", nameof(inputs));
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"gradOutputs has {gradOutputs.Count} tensors but there are {outputs.Count} outputs", nameof(gradOutputs));
        }

        using var a = NativeArgs.Begin();
        IntPtr* po = a.Handles(outputs), ps = gradOutputs is null ? null : a.Handles(gradOutputs), pi = a.Handles(inputs);
        var r = a.Output<IntPtr>(inputs.Count);
        Check(ats_autograd_grad(po, ps, outputs.Count, pi, inputs.Count, retainGraph ?? createGraph, createGraph, allowUnused, r, inputs.Count, out long n));
        return Tensor.WrapAll(r, n);
    }
}
