using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Rotary position embedding, rotate-half convention (GPT-NeoX / Hugging Face Llama): for head width d, frequencies
/// ωᵢ = base^(−2i/d), i &lt; d/2; at position t, channel pairs (i, i + d/2) are rotated by angle t·ωᵢ:
/// x' = x ⊙ cos + rotate_half(x) ⊙ sin with rotate_half([x₁, x₂]) = [−x₂, x₁] and cos/sin tables [cos(tω), cos(tω)].
/// </summary>
public static class Rope
{
    /// <summary>The (T, d) cos and sin tables for positions 0..T−1 (computed in float64, then cast to <paramref name="dtype"/>).</summary>
    public static (Tensor Cos, Tensor Sin) Tables(int positions, int headDim, double ropeBase, DType dtype)
    {
        if (headDim < 2 || headDim % 2 != 0) throw new ArgumentException($"headDim must be even and ≥ 2 (got {headDim})", nameof(headDim));
        int half = headDim / 2;
        var cos = new double[positions * headDim];
        var sin = new double[positions * headDim];
        for (int t = 0; t < positions; t++)
        {
            for (int i = 0; i < half; i++)
            {
                double angle = t * Math.Pow(ropeBase, -2.0 * i / headDim);
                cos[(t * headDim) + i] = cos[(t * headDim) + i + half] = Math.Cos(angle);
                sin[(t * headDim) + i] = sin[(t * headDim) + i + half] = Math.Sin(angle);
            }
        }

        using var scope = new DisposeScope();
        var c = Tensor.From<double>(cos, [positions, headDim]).To(dtype);
        var s = Tensor.From<double>(sin, [positions, headDim]).To(dtype);
        return (DisposeScope.MoveToOuter(c), DisposeScope.MoveToOuter(s));
    }

    /// <summary>Rotates <paramref name="x"/> (B, H, T, d) by its positions; <paramref name="cos"/>/<paramref name="sin"/> are (≥ T, d) tables.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        return Functional.RotaryEmbedding(x, cos, sin); // the engine's one-pass kernel; tables broadcast over (B, H)
    }
}
