using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One trainable parameter as an algorithm sees it. The tensor is a leaf owned by the model (never dispose it);
/// an algorithm updates it in place under <see cref="Autograd.NoGrad"/> and reads its <see cref="Tensor.Grad"/>.
/// </summary>
/// <param name="Name">Dotted name, e.g. <c>blocks.0.attn.qkv.weight</c>.</param>
/// <param name="Tensor">The parameter tensor (requires grad).</param>
/// <param name="Type">What kind of parameter it is.</param>
public sealed record ModelParameter(string Name, Tensor Tensor, ParameterType Type)
{
    /// <summary>
    /// Where the parameter sits in a width ladder (role, fans and their ratios to the base width, depth index), or null
    /// when the workload is not part of one. Added in contract version 2.3.
    /// </summary>
    public WidthMetadata? Width { get; init; }
}
