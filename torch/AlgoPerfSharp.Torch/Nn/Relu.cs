namespace AlgoPerfSharp.Torch.Nn;

/// <summary>max(x, 0) elementwise, as a module for <see cref="Sequential"/>. No parameters.</summary>
public sealed class Relu : Module
{
    /// <summary>Any shape → same shape.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}
