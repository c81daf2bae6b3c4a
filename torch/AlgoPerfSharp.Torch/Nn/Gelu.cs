namespace AlgoPerfSharp.Torch.Nn;

/// <summary>GELU elementwise (exact erf form, or the tanh approximation), as a module. No parameters.</summary>
public sealed class Gelu : Module
{
    /// <summary>Creates the activation.</summary>
    /// <param name="tanhApproximation">Use the tanh approximation (PyTorch's <c>approximate="tanh"</c>).</param>
    public Gelu(bool tanhApproximation = false) => TanhApproximation = tanhApproximation;

    /// <summary>Whether the tanh approximation is used.</summary>
    public bool TanhApproximation { get; }

    /// <summary>Any shape → same shape.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu(TanhApproximation);
    }
}
