using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// A model that can report each layer's output for an input (the width ladders' models), for µP's coordinate check.
/// The tensors are created in the caller's DisposeScope.
/// </summary>
public interface ILayerOutputs
{
    /// <summary>Each layer's output on <paramref name="input"/>, from the input layer to the logits, by layer name.</summary>
    IReadOnlyList<(string Layer, Tensor Output)> LayerOutputs(Tensor input);
}
