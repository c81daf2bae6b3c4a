namespace AlgoPerfSharp.Torch.Nn;

/// <summary>tanh elementwise, as a module. No parameters.</summary>
public sealed class Tanh : Module
{
    /// <summary>Any shape → same shape.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tanh();
    }
}
