using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Scaled dot-product attention composed from matmul and softmax (libtorch 1.13 has no fused kernel):
/// softmax(q kᵀ / √d + mask) v.
/// </summary>
public static class Attention
{
    /// <summary>Attention of <paramref name="q"/> over <paramref name="k"/>, <paramref name="v"/>.</summary>
    /// <param name="q">(B, H, T, d).</param>
    /// <param name="k">(B, H, S, d).</param>
    /// <param name="v">(B, H, S, d).</param>
    /// <param name="additiveMask">(T, S) added to the scores (0 or −∞), or null.</param>
    /// <returns>(B, H, T, d).</returns>
    public static Tensor ScaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor? additiveMask = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        double scale = 1.0 / Math.Sqrt(q.Size(-1));
        var scores = q.MatMul(k.Transpose(-2, -1)).Mul(scale);     // (B, H, T, S)
        if (additiveMask is not null) scores = scores + additiveMask;
        return Functional.Softmax(scores, -1).MatMul(v);            // (B, H, T, d)
    }

    /// <summary>The causal mask (T, T): 0 on and below the diagonal, −∞ above (token t sees tokens ≤ t).</summary>
    public static Tensor CausalMask(long t, DType dtype)
    {
        using var full = Tensor.Full([t, t], double.NegativeInfinity, dtype);
        return full.Triu(1);
    }
}
