using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// The ViT encoder block. Pre-LN: x ← x + Attn(LN₁(x)); x ← x + MLP(LN₂(x)). Post-LN (the held-out variant):
/// x ← LN₁(x + Attn(x)); x ← LN₂(x + MLP(x)). Dropout (when asked) on each branch's output before the residual add.
/// </summary>
public sealed class TransformerBlock : Module
{
    private readonly bool _preNorm;
    private readonly double _dropout;
    private readonly Generator _dropoutGenerator;
    private readonly LayerNorm _norm1;
    private readonly MultiHeadSelfAttention _attn;
    private readonly LayerNorm _norm2;
    private readonly Mlp _mlp;

    /// <summary>Creates the block; <paramref name="dropoutGenerator"/> is shared with the model (not owned).</summary>
    public TransformerBlock(VitConfig config, Generator generator, double dropout, Generator dropoutGenerator)
    {
        ArgumentNullException.ThrowIfNull(config);
        _preNorm = config.PreNorm;
        _dropout = dropout;
        _dropoutGenerator = dropoutGenerator;
        _norm1 = RegisterModule("norm1", TaggedLayers.LayerNorm(config.Dim, config.LayerNormEps, config.DType));
        _attn = RegisterModule("attn", new MultiHeadSelfAttention(config.Dim, config.Heads, generator, config.DType));
        _norm2 = RegisterModule("norm2", TaggedLayers.LayerNorm(config.Dim, config.LayerNormEps, config.DType));
        _mlp = RegisterModule("mlp", new Mlp(config.Dim, config.MlpDim, config.Activation, generator, config.DType));
    }

    /// <summary>(B, L, D) → (B, L, D).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_preNorm)
        {
            var x = input + Drop(_attn.Forward(_norm1.Forward(input)));
            return x + Drop(_mlp.Forward(_norm2.Forward(x)));
        }

        var y = _norm1.Forward(input + Drop(_attn.Forward(input)));
        return _norm2.Forward(y + Drop(_mlp.Forward(y)));
    }

    private Tensor Drop(Tensor x) => _dropout > 0 ? Functional.Dropout(x, _dropout, IsTraining, _dropoutGenerator) : x;
}
