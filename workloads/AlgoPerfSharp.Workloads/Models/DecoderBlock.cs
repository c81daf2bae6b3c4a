using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// One Llama block: x ← x + Attn(RMSNorm₁(x)); x ← x + FFN(RMSNorm₂(x)). Dropout (when asked) on each branch's
/// output before the residual add, and <see cref="LlamaConfig.BranchMultiplier"/> on it when not 1.
/// </summary>
public sealed class DecoderBlock : Module
{
    private readonly RmsNorm _attnNorm;
    private readonly CausalSelfAttention _attn;
    private readonly RmsNorm _ffnNorm;
    private readonly FeedForward _ffn;
    private readonly double _dropout;
    private readonly Generator _dropoutGenerator;
    private readonly double _branch;

    /// <summary>Creates the block; <paramref name="dropoutGenerator"/> is shared with the model (not owned).</summary>
    public DecoderBlock(LlamaConfig config, Generator generator, double dropout, Generator dropoutGenerator)
    {
        ArgumentNullException.ThrowIfNull(config);
        _attnNorm = RegisterModule("attn_norm", TaggedLayers.RmsNorm(config.Dim, config.NormEps, config.DType));
        _attn = RegisterModule("attn", new CausalSelfAttention(config, generator));
        _ffnNorm = RegisterModule("ffn_norm", TaggedLayers.RmsNorm(config.Dim, config.NormEps, config.DType));
        _ffn = RegisterModule("ffn", new FeedForward(config, generator));
        _dropout = dropout;
        _dropoutGenerator = dropoutGenerator;
        _branch = config.BranchMultiplier;
    }

    /// <summary>(B, T, D) → (B, T, D).</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        var h = x + Drop(_attn.Forward(_attnNorm.Forward(x), cos, sin)); // (B, T, D)
        return h + Drop(_ffn.Forward(_ffnNorm.Forward(h)));                    // (B, T, D)
    }

    private Tensor Drop(Tensor x)
    {
        var y = _dropout > 0 ? Functional.Dropout(x, _dropout, IsTraining, _dropoutGenerator) : x;
        return _branch == 1 ? y : y * _branch;
    }
}
