using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Bidirectional multi-head self-attention with one fused projection: qkv = Linear(D → 3D) (with bias, kind
/// <see cref="ParameterType.AttentionQkv"/>), attention per head of width D / H, output Linear(D → D)
/// (<see cref="ParameterType.AttentionOut"/>).
/// </summary>
public sealed class MultiHeadSelfAttention : Module
{
    private readonly int _heads;
    private readonly Linear _qkv;
    private readonly Linear _out;

    /// <summary>Creates the layer (qkv then out weights drawn from <paramref name="generator"/>).</summary>
    public MultiHeadSelfAttention(int dim, int heads, Generator generator, DType dtype)
    {
        if (heads < 1 || dim % heads != 0) throw new ArgumentException($"dim {dim} must be a positive multiple of heads (got {heads})", nameof(heads));
        _heads = heads;
        _qkv = RegisterModule("qkv", TaggedLayers.Linear(dim, 3 * dim, true, generator, dtype, ParameterType.AttentionQkv));
        _out = RegisterModule("out", TaggedLayers.Linear(dim, dim, true, generator, dtype, ParameterType.AttentionOut));
    }

    /// <summary>(B, L, D) → (B, L, D).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long b = input.Size(0), l = input.Size(1), d = input.Size(2);
        var qkv = _qkv.Forward(input).View(b, l, 3, _heads, d / _heads);     // (B, L, 3, H, d_h), no copy
        var y = Functional.ScaledDotProductAttentionPacked(qkv);             // (B, H, L, d_h); gradient comes back packed
        y = y.Transpose(1, 2).Reshape(b, l, d);                                                  // (B, L, D)
        return _out.Forward(y);
    }
}
