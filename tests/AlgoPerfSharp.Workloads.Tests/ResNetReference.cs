using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// A from-scratch ResNet forward pass (training mode: BatchNorm with batch statistics) and mean cross-entropy in plain
/// C# arrays (no libtorch): zero-padded strided cross-correlation, BN over (N, H, W) with biased variance, activation,
/// BasicBlocks with conv1×1–BN shortcuts where the shape changes, global average pool, linear head.
/// A feature map is [image][channel][row · width + col].
/// </summary>
internal static class ResNetReference
{
    private sealed record Map(double[][][] Data, int Height, int Width);

    public static double Loss(ResNetConfig c, Dictionary<string, double[]> w, double[] images, long[] labels, int n, int side)
    {
        var x = new Map(Enumerable.Range(0, n).Select(i => new[] { images.AsSpan(i * side * side, side * side).ToArray() }).ToArray(), side, side);
        x = Act(c, Bn(Conv(x, w["stem.weight"], c.StemWidth, 3, 1, 1), w, "stem_bn", c.BatchNormEps));
        int width = c.StemWidth;
        for (int s = 0; s < c.StageWidths.Count; s++)
        {
            for (int b = 0; b < c.BlocksPerStage; b++)
            {
                string p = $"stage{s + 1}_block{b + 1}.";
                int stride = b == 0 ? c.StageStrides[s] : 1, cout = c.StageWidths[s];
                var h = Act(c, Bn(Conv(x, w[p + "conv1.weight"], cout, 3, stride, 1), w, p + "bn1", c.BatchNormEps));
                h = Bn(Conv(h, w[p + "conv2.weight"], cout, 3, 1, 1), w, p + "bn2", c.BatchNormEps);
                var shortcut = w.ContainsKey(p + "down_conv.weight") ? Bn(Conv(x, w[p + "down_conv.weight"], cout, 1, stride, 0), w, p + "down_bn", c.BatchNormEps) : x;
                x = Act(c, new Map(h.Data.Select((img, i) => img.Select((ch, k) => ch.Select((v, j) => v + shortcut.Data[i][k][j]).ToArray()).ToArray()).ToArray(), h.Height, h.Width));
                width = cout;
            }
        }

        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var pooled = x.Data[i].Select(ch => ch.Average()).ToArray();
            var logits = ReferenceMath.MatVec(w["head.weight"], pooled, width).Select((v, k) => v + w["head.bias"][k]).ToArray();
            total += ReferenceMath.CrossEntropy(logits, labels[i]);
        }

        return total / n;
    }

    private static Map Conv(Map x, double[] weight, int cout, int k, int stride, int pad)
    {
        int cin = x.Data[0].Length, ho = ((x.Height + (2 * pad) - k) / stride) + 1, wo = ((x.Width + (2 * pad) - k) / stride) + 1;
        var data = x.Data.Select(img =>
        {
            var o = new double[cout][];
            for (int co = 0; co < cout; co++)
            {
                o[co] = new double[ho * wo];
                for (int r = 0; r < ho; r++)
                {
                    for (int q = 0; q < wo; q++)
                    {
                        double sum = 0;
                        for (int ci = 0; ci < cin; ci++)
                        {
                            for (int i = 0; i < k; i++)
                            {
                                for (int j = 0; j < k; j++)
                                {
                                    int y = (r * stride) + i - pad, z = (q * stride) + j - pad;
                                    if (y >= 0 && y < x.Height && z >= 0 && z < x.Width) sum += weight[(((co * cin) + ci) * k * k) + (i * k) + j] * img[ci][(y * x.Width) + z];
                                }
                            }
                        }

                        o[co][(r * wo) + q] = sum;
                    }
                }
            }

            return o;
        }).ToArray();
        return new Map(data, ho, wo);
    }

    private static Map Bn(Map x, Dictionary<string, double[]> w, string name, double eps)
    {
        int channels = x.Data[0].Length;
        var data = x.Data.Select(img => img.Select(ch => (double[])ch.Clone()).ToArray()).ToArray();
        for (int ch = 0; ch < channels; ch++)
        {
            var all = x.Data.SelectMany(img => img[ch]).ToArray();
            double mean = all.Average(), var = all.Sum(v => (v - mean) * (v - mean)) / all.Length; // batch statistics, biased
            foreach (var img in data)
            {
                for (int j = 0; j < img[ch].Length; j++) img[ch][j] = ((img[ch][j] - mean) / Math.Sqrt(var + eps) * w[name + ".weight"][ch]) + w[name + ".bias"][ch];
            }
        }

        return x with { Data = data };
    }

    private static Map Act(ResNetConfig c, Map x) =>
        x with { Data = x.Data.Select(img => img.Select(ch => ch.Select(v => c.Activation == Activation.Silu ? v / (1 + Math.Exp(-v)) : Math.Max(v, 0)).ToArray()).ToArray()).ToArray() };
}
