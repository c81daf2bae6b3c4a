using System.Diagnostics;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--attention</c>: forward + backward of <see cref="Functional.ScaledDotProductAttention"/>, the fused kernel
/// against the composed graph (matmul, mul, masked fill, softmax, matmul), at the shapes of the cpu workloads' attention
/// layers, in alternating rounds; prints the median ms of each and their ratio.
/// </summary>
public static class AttentionComparison
{
    /// <summary>The attention shapes of the cpu ViT (no mask) and Llama (causal), per layer.</summary>
    public static readonly IReadOnlyList<(string Name, long B, long H, long T, long D, bool Causal)> Shapes =
    [
        ("vit (128×4×50×32)", 128, 4, 50, 32, false),
        ("llama (16×4×256×64, causal)", 16, 4, 256, 64, true),
    ];

    /// <summary>Runs the comparison; returns a process exit code.</summary>
    public static int Run(int rounds, int reps, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"attention forward + backward, fused vs composed ({TorchRuntime.NumThreads} threads, fused kernel {(Functional.FusedAttentionAvailable ? "available" : "NOT available: no CBLAS loaded")}), median of {rounds} rounds × {reps} reps");
        output.WriteLine($"{"shape",-30} {"fused ms",9} {"composed ms",12} {"fused/composed",15}");
        foreach (var (name, b, h, t, d, causal) in Shapes)
        {
            using var gen = new Generator(3);
            // q, k, v as the models make them: heads split out of (B, T, H, d) projections (strided views).
            using var q = DisposeScope.Detach(Tensor.RandN([b, t, h, d], gen).Transpose(1, 2)).RequiresGradInPlace();
            using var k = DisposeScope.Detach(Tensor.RandN([b, t, h, d], gen).Transpose(1, 2)).RequiresGradInPlace();
            using var v = DisposeScope.Detach(Tensor.RandN([b, t, h, d], gen).Transpose(1, 2)).RequiresGradInPlace();
            using var g = DisposeScope.Detach(Tensor.RandN([b, h, t, d], gen));
            var fused = new List<double>();
            var composed = new List<double>();
            for (int r = 0; r < rounds + 1; r++)
            {
                double f = Time(q, k, v, g, causal, true, reps), c = Time(q, k, v, g, causal, false, reps);
                if (r == 0) continue; // warm-up
                fused.Add(f);
                composed.Add(c);
            }

            double mf = Stats.Median(fused), mc = Stats.Median(composed);
            output.WriteLine($"{name,-30} {mf,9:F2} {mc,12:F2} {mf / mc,15:F3}");
        }

        return 0;
    }

    private static double Time(Tensor q, Tensor k, Tensor v, Tensor grad, bool causal, bool fused, int reps)
    {
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < reps; i++)
        {
            using var scope = new DisposeScope();
            q.Grad = k.Grad = v.Grad = null;
            var y = Functional.ScaledDotProductAttention(q, k, v, causal, allowFused: fused);
            y.Backward(grad);
        }

        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds / reps;
    }
}
