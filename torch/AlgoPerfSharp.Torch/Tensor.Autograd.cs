using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor. Settable on leaves.</summary>
    public bool RequiresGrad
    {
        get
        {
            Check(ats_tensor_requires_grad(Handle, out bool v));
            return v;
        }

        set => Check(ats_tensor_set_requires_grad(Handle, value));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGradInPlace(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>True for tensors created by the user rather than by a recorded op.</summary>
    public bool IsLeaf
    {
        get
        {
            Check(ats_tensor_is_leaf(Handle, out bool v));
            return v;
        }
    }

    /// <summary>
    /// The accumulated gradient, or null. Each read returns a new handle (owned by the caller / current scope) to the
    /// same gradient tensor, so in-place edits through it change the stored gradient.
    /// </summary>
    public Tensor? Grad
    {
        get => WrapOptional(ats_tensor_grad(Handle, out var r), r);
        set
        {
            using var g = new OptionalHandle(value);
            Check(ats_tensor_set_grad(Handle, g.Ptr));
        }
    }

    /// <summary>Computes gradients of this tensor with respect to graph leaves (accumulating into their <see cref="Grad"/>).</summary>
    /// <param name="gradient">dL/dthis; may be null only when this tensor has one element.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        using var g = new OptionalHandle(gradient);
        Check(ats_backward(Handle, g.Ptr, retainGraph));
    }

    /// <summary>A view of the same data outside the autograd graph.</summary>
    public Tensor Detach() => Wrap(ats_detach(Handle, out var r), r);
}
