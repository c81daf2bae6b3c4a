using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Llama's attention: separate bias-free q, k, v projections (kinds <see cref="ParameterType.AttentionQ"/>/K/V),
/// RoPE on q and k, causal softmax attention per head, bias-free output projection (<see cref="ParameterType.AttentionOut"/>).
/// The RoPE tables are owned by the model and passed in.
/// </summary>
public sealed class CausalSelfAttention : Module
{
    private readonly int _heads;
    private readonly Linear _q;
    private readonly Linear _k;
    private readonly Linear _v;
    private readonly Linear _o;

    /// <summary>Creates the layer (q, k, v, o drawn from <paramref name="generator"/> in that order).</summary>
    public CausalSelfAttention(LlamaConfig config, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        _heads = config.Heads;
        _q = RegisterModule("q", TaggedLayers.Linear(config.Dim, config.Dim, false, generator, config.DType, ParameterType.AttentionQ));
        _k = RegisterModule("k", TaggedLayers.Linear(config.Dim, config.Dim, false, generator, config.DType, ParameterType.AttentionK));
        _v = RegisterModule("v", TaggedLayers.Linear(config.Dim, config.Dim, false, generator, config.DType, ParameterType.AttentionV));
        _o = RegisterModule("o", TaggedLayers.Linear(config.Dim, config.Dim, false, generator, config.DType, ParameterType.AttentionOut));
    }

    /// <summary>(B, T, D) → (B, T, D); <paramref name="cos"/>/<paramref name="sin"/> (≥ T, d_h).</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        long b = x.Size(0), t = x.Size(1), d = x.Size(2), hd = d / _heads;
        var q = Rope.Apply(Heads(_q.Forward(x), b, t, hd), cos, sin); // (B, H, T, d_h)
        var k = Rope.Apply(Heads(_k.Forward(x), b, t, hd), cos, sin); // (B, H, T, d_h)
        var v = Heads(_v.Forward(x), b, t, hd);                       // (B, H, T, d_h)
        var y = Functional.ScaledDotProductAttention(q, k, v, causal: true); // (B, H, T, d_h), (B, T, H, d_h) in memory
        return _o.Forward(y.Transpose(1, 2).Reshape(b, t, d));        // (B, T, D)
    }

    private Tensor Heads(Tensor x, long b, long t, long hd) => x.View(b, t, _heads, hd).Transpose(1, 2); // (B, T, D) → (B, H, T, d_h)
}
