using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Llama's bias-free feed-forward. Gated (SwiGLU): w₂(SiLU(w₁x) ⊙ w₃x). Plain (the GELU variant): w₂ GELU(w₁x).
/// </summary>
public sealed class FeedForward : Module
{
    private readonly Linear _w1;
    private readonly Linear? _w3;
    private readonly Linear _w2;

    /// <summary>Creates the layer (w1, w3, w2 drawn from <paramref name="generator"/> in that order).</summary>
    public FeedForward(LlamaConfig config, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        _w1 = RegisterModule("w1", TaggedLayers.Linear(config.Dim, config.FfnHidden, false, generator, config.DType));
        if (config.GatedFfn) _w3 = RegisterModule("w3", TaggedLayers.Linear(config.Dim, config.FfnHidden, false, generator, config.DType));
        _w2 = RegisterModule("w2", TaggedLayers.Linear(config.FfnHidden, config.Dim, false, generator, config.DType));
    }

    /// <summary>(*, D) → (*, D).</summary>
    public override Tensor Forward(Tensor input)
    {
        var h = _w3 is null ? _w1.Forward(input).Gelu() : _w1.Forward(input).Silu() * _w3.Forward(input); // (*, hidden)
        return _w2.Forward(h);
    }
}
