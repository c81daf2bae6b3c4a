using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// A from-scratch ViT forward pass and mean cross-entropy in plain C# double arrays (no libtorch), written from the
/// architecture's definition: patch embedding as a dot product per patch, class token first, position embedding,
/// pre-LN or post-LN blocks (fused qkv laid out as [q | k | v], heads contiguous within each), exact-GELU MLP, final
/// LayerNorm on the class token, linear head. Weights are read by the model's parameter names.
/// </summary>
internal static class VitReference
{
    public static double Loss(VitConfig c, Dictionary<string, double[]> w, double[] images, long[] labels, int n)
    {
        int d = c.Dim, p = c.PatchSize, side = c.ImageSize, grid = side / p, hd = d / c.Heads, len = c.NumPatches + 1;
        double total = 0;
        for (int img = 0; img < n; img++)
        {
            var x = new double[len][];
            x[0] = w["cls_token"].ToArray();
            for (int r = 0; r < grid; r++)
            {
                for (int col = 0; col < grid; col++)
                {
                    var e = w["patch_embed.bias"].ToArray();
                    for (int ch = 0; ch < d; ch++)
                    {
                        for (int i = 0; i < p; i++)
                        {
                            for (int j = 0; j < p; j++) e[ch] += w["patch_embed.weight"][(ch * p * p) + (i * p) + j] * images[(img * side * side) + (((r * p) + i) * side) + (col * p) + j];
                        }
                    }

                    x[1 + (r * grid) + col] = e;
                }
            }

            for (int t = 0; t < len; t++)
            {
                for (int i = 0; i < d; i++) x[t][i] += w["pos_embed"][(t * d) + i];
            }

            for (int b = 1; b <= c.Depth; b++)
            {
                string pre = $"block{b}.";
                double[][] Norm(double[][] z, string name) => z.Select(r => LayerNorm(r, w[pre + name + ".weight"], w[pre + name + ".bias"], c.LayerNormEps)).ToArray();
                double[][] Add(double[][] a, double[][] bb) => a.Select((r, t) => r.Select((v, i) => v + bb[t][i]).ToArray()).ToArray();
                if (c.PreNorm)
                {
                    x = Add(x, Attention(Norm(x, "norm1"), w, pre, c.Heads, hd));
                    x = Add(x, Mlp(Norm(x, "norm2"), w, pre));
                }
                else
                {
                    x = Norm(Add(x, Attention(x, w, pre, c.Heads, hd)), "norm1");
                    x = Norm(Add(x, Mlp(x, w, pre)), "norm2");
                }
            }

            var cls = LayerNorm(x[0], w["norm.weight"], w["norm.bias"], c.LayerNormEps);
            var logits = Affine(w["head.weight"], w["head.bias"], cls);
            total += ReferenceMath.CrossEntropy(logits, labels[img]);
        }

        return total / n;
    }

    private static double[][] Attention(double[][] x, Dictionary<string, double[]> w, string pre, int heads, int hd)
    {
        int d = heads * hd, len = x.Length;
        var qkv = x.Select(r => Affine(w[pre + "attn.qkv.weight"], w[pre + "attn.qkv.bias"], r)).ToArray(); // [q | k | v]
        var y = Enumerable.Range(0, len).Select(_ => new double[d]).ToArray();
        for (int h = 0; h < heads; h++)
        {
            for (int t = 0; t < len; t++)
            {
                var q = qkv[t].AsSpan(h * hd, hd).ToArray();
                var scores = Enumerable.Range(0, len).Select(s => ReferenceMath.Dot(q, qkv[s].AsSpan(d + (h * hd), hd).ToArray()) / Math.Sqrt(hd)).ToArray();
                var a = ReferenceMath.Softmax(scores);
                for (int s = 0; s < len; s++)
                {
                    for (int i = 0; i < hd; i++) y[t][(h * hd) + i] += a[s] * qkv[s][(2 * d) + (h * hd) + i];
                }
            }
        }

        return y.Select(r => Affine(w[pre + "attn.out.weight"], w[pre + "attn.out.bias"], r)).ToArray();
    }

    private static double[][] Mlp(double[][] x, Dictionary<string, double[]> w, string pre) =>
        x.Select(r => Affine(w[pre + "mlp.fc2.weight"], w[pre + "mlp.fc2.bias"], Affine(w[pre + "mlp.fc1.weight"], w[pre + "mlp.fc1.bias"], r).Select(ReferenceMath.Gelu).ToArray())).ToArray();

    private static double[] Affine(double[] weight, double[] bias, double[] x)
    {
        var y = ReferenceMath.MatVec(weight, x, x.Length);
        for (int i = 0; i < y.Length; i++) y[i] += bias[i];
        return y;
    }

    private static double[] LayerNorm(double[] x, double[] scale, double[] shift, double eps)
    {
        double mean = x.Average();
        double var = x.Sum(z => (z - mean) * (z - mean)) / x.Length; // biased, as LayerNorm
        return x.Select((z, i) => ((z - mean) / Math.Sqrt(var + eps) * scale[i]) + shift[i]).ToArray();
    }
}
