using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Scaled dot-product attention softmax(q kᵀ / √d [+ mask]) v. <see cref="ScaledDotProduct(Tensor, Tensor, Tensor, bool)"/>
/// (no mask or causal) is the engine's fused attention (<see cref="Functional.ScaledDotProductAttention"/>);
/// the additive-mask overload composes matmul and softmax for arbitrary masks.
/// </summary>
public static class Attention
{
    /// <summary>Attention of <paramref name="q"/> over <paramref name="k"/>, <paramref name="v"/>, all keys or (causal) keys up to each query's position.</summary>
    /// <param name="q">(B, H, T, d).</param>
    /// <param name="k">(B, H, S, d).</param>
    /// <param name="v">(B, H, S, d).</param>
    /// <param name="causal">Token t sees tokens ≤ t (T = S).</param>
    /// <returns>(B, H, T, d), laid out (B, T, H, d) in memory on CPU (transpose-and-reshape is free).</returns>
    public static Tensor ScaledDotProduct(Tensor q, Tensor k, Tensor v, bool causal = false) =>
        Functional.ScaledDotProductAttention(q, k, v, causal);

    /// <summary>Attention of <paramref name="q"/> over <paramref name="k"/>, <paramref name="v"/> with an additive mask (composed graph).</summary>
    /// <param name="q">(B, H, T, d).</param>
    /// <param name="k">(B, H, S, d).</param>
    /// <param name="v">(B, H, S, d).</param>
    /// <param name="additiveMask">(T, S) added to the scores (0 or −∞).</param>
    /// <returns>(B, H, T, d).</returns>
    public static Tensor ScaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor additiveMask)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(additiveMask);
        double scale = 1.0 / Math.Sqrt(q.Size(-1));
        var scores = (q.MatMul(k.Transpose(-2, -1)).Mul(scale)) + additiveMask; // (B, H, T, S)
        return Functional.Softmax(scores, -1).MatMul(v);            // (B, H, T, d)
    }

    /// <summary>The causal mask (T, T): 0 on and below the diagonal, −∞ above (token t sees tokens ≤ t).</summary>
    public static Tensor CausalMask(long t, DType dtype)
    {
        using var full = Tensor.Full([t, t], double.NegativeInfinity, dtype);
        return full.Triu(1);
    }
}
