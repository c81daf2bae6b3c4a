using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// A from-scratch Llama forward pass and mean cross-entropy in plain C# double arrays (no libtorch), written from the
/// architecture's definition: tied embedding, pre-RMSNorm blocks, causal attention with rotate-half RoPE, SwiGLU (or
/// GELU) FFN, final RMSNorm. Weights are read by the model's parameter names; matrices are (out, in) row-major.
/// </summary>
internal static class LlamaReference
{
    public static double Loss(LlamaConfig c, Dictionary<string, double[]> w, long[] tokens, long[] targets, int batch, int time)
    {
        int d = c.Dim, hd = c.HeadDim;
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            var x = new double[time][];
            for (int t = 0; t < time; t++) x[t] = w["embedding"].AsSpan((int)tokens[(b * time) + t] * d, d).ToArray();
            for (int l = 1; l <= c.Layers; l++)
            {
                string p = $"block{l}.";
                var h = x.Select(r => RmsNorm(r, w[p + "attn_norm.weight"], c.NormEps)).ToArray();
                var q = h.Select(r => MatVec(w[p + "attn.q.weight"], r, d)).ToArray();
                var k = h.Select(r => MatVec(w[p + "attn.k.weight"], r, d)).ToArray();
                var val = h.Select(r => MatVec(w[p + "attn.v.weight"], r, d)).ToArray();
                var y = new double[time][];
                for (int t = 0; t < time; t++) y[t] = new double[d];
                for (int head = 0; head < c.Heads; head++)
                {
                    int o = head * hd;
                    var qr = Enumerable.Range(0, time).Select(t => Rotate(q[t].AsSpan(o, hd).ToArray(), t, c.RopeBase)).ToArray();
                    var kr = Enumerable.Range(0, time).Select(t => Rotate(k[t].AsSpan(o, hd).ToArray(), t, c.RopeBase)).ToArray();
                    for (int t = 0; t < time; t++)
                    {
                        var scores = new double[t + 1]; // causal: keys 0..t only
                        for (int s = 0; s <= t; s++) scores[s] = Dot(qr[t], kr[s]) / Math.Sqrt(hd);
                        double max = scores.Max();
                        var e = scores.Select(z => Math.Exp(z - max)).ToArray();
                        double sum = e.Sum();
                        for (int s = 0; s <= t; s++)
                        {
                            for (int i = 0; i < hd; i++) y[t][o + i] += e[s] / sum * val[s][o + i];
                        }
                    }
                }

                for (int t = 0; t < time; t++)
                {
                    var attn = MatVec(w[p + "attn.o.weight"], y[t], d);
                    for (int i = 0; i < d; i++) x[t][i] += attn[i];
                    var n2 = RmsNorm(x[t], w[p + "ffn_norm.weight"], c.NormEps);
                    var a = MatVec(w[p + "ffn.w1.weight"], n2, d);
                    double[] m;
                    if (c.GatedFfn)
                    {
                        var gate = MatVec(w[p + "ffn.w3.weight"], n2, d);
                        m = a.Select((z, i) => z / (1 + Math.Exp(-z)) * gate[i]).ToArray();
                    }
                    else
                    {
                        m = a.Select(z => 0.5 * z * (1 + Erf(z / Math.Sqrt(2)))).ToArray();
                    }

                    var f = MatVec(w[p + "ffn.w2.weight"], m, c.FfnHidden);
                    for (int i = 0; i < d; i++) x[t][i] += f[i];
                }
            }

            for (int t = 0; t < time; t++)
            {
                var logits = MatVec(w["embedding"], RmsNorm(x[t], w["norm.weight"], c.NormEps), d); // tied head
                double max = logits.Max();
                double lse = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
                total += lse - logits[(int)targets[(b * time) + t]];
            }

        }

        return total / (batch * time);
    }

    private static double[] RmsNorm(double[] x, double[] scale, double eps)
    {
        double ms = x.Sum(z => z * z) / x.Length;
        double r = 1 / Math.Sqrt(ms + eps);
        return x.Select((z, i) => z * r * scale[i]).ToArray();
    }

    /// <summary>W (rows × cols) · x, W row-major with cols = x.Length.</summary>
    private static double[] MatVec(double[] m, double[] x, int cols)
    {
        int rows = m.Length / cols;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++) y[r] += m[(r * cols) + j] * x[j];
        }

        return y;
    }

    private static double Dot(double[] a, double[] b) => a.Select((z, i) => z * b[i]).Sum();

    private static double[] Rotate(double[] x, int t, double ropeBase)
    {
        int half = x.Length / 2;
        var y = new double[x.Length];
        for (int i = 0; i < half; i++)
        {
            double angle = t * Math.Pow(ropeBase, -2.0 * i / x.Length);
            y[i] = (x[i] * Math.Cos(angle)) - (x[i + half] * Math.Sin(angle));
            y[i + half] = (x[i + half] * Math.Cos(angle)) + (x[i] * Math.Sin(angle));
        }

        return y;
    }

    /// <summary>erf(z) by its Taylor series (accurate to ~1e-15 for |z| ≤ 5, where double precision needs it).</summary>
    private static double Erf(double z)
    {
        // Taylor series erf(z) = 2/√π Σ (−1)ⁿ z^(2n+1) / (n! (2n+1)), converges fast for |z| ≲ 3; larger |z| saturate.
        if (Math.Abs(z) > 5) return Math.Sign(z);
        double sum = 0, term = z;
        for (int n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -z * z / (n + 1);
            if (Math.Abs(term) < 1e-18) break;
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
