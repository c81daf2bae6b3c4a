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
                var q = h.Select(r => ReferenceMath.MatVec(w[p + "attn.q.weight"], r, d)).ToArray();
                var k = h.Select(r => ReferenceMath.MatVec(w[p + "attn.k.weight"], r, d)).ToArray();
                var val = h.Select(r => ReferenceMath.MatVec(w[p + "attn.v.weight"], r, d)).ToArray();
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
                        for (int s = 0; s <= t; s++) scores[s] = ReferenceMath.Dot(qr[t], kr[s]) / Math.Sqrt(hd);
                        var attnWeights = ReferenceMath.Softmax(scores);
                        for (int s = 0; s <= t; s++)
                        {
                            for (int i = 0; i < hd; i++) y[t][o + i] += attnWeights[s] * val[s][o + i];
                        }
                    }
                }

                for (int t = 0; t < time; t++)
                {
                    var attn = ReferenceMath.MatVec(w[p + "attn.o.weight"], y[t], d);
                    for (int i = 0; i < d; i++) x[t][i] += attn[i];
                    var n2 = RmsNorm(x[t], w[p + "ffn_norm.weight"], c.NormEps);
                    var a = ReferenceMath.MatVec(w[p + "ffn.w1.weight"], n2, d);
                    double[] m;
                    if (c.GatedFfn)
                    {
                        var gate = ReferenceMath.MatVec(w[p + "ffn.w3.weight"], n2, d);
                        m = a.Select((z, i) => z / (1 + Math.Exp(-z)) * gate[i]).ToArray();
                    }
                    else
                    {
                        m = a.Select(ReferenceMath.Gelu).ToArray();
                    }

                    var f = ReferenceMath.MatVec(w[p + "ffn.w2.weight"], m, c.FfnHidden);
                    for (int i = 0; i < d; i++) x[t][i] += f[i];
                }
            }

            for (int t = 0; t < time; t++)
            {
                var logits = ReferenceMath.MatVec(w["embedding"], RmsNorm(x[t], w["norm.weight"], c.NormEps), d); // tied head
                total += ReferenceMath.CrossEntropy(logits, targets[(b * time) + t]);
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
}
