using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--newton-schulz</c>: Muon's orthogonalization of every hidden matrix of a parameter set (the matrices
/// <c>muon</c> orthogonalizes, as (rows, −1) views), three ways side by side in alternating rounds: one matrix per call
/// in float32, same-shape matrices batched in float32, batched in bfloat16, and every matrix in one call in bfloat16
/// (<see cref="NewtonSchulz.OrthogonalizeAllInPlace"/>: batches spread over the threads, as <c>muon</c> runs it). Prints the
/// median ms of each and the ratios to the per-matrix float32 run — whether libtorch's bfloat16 GEMM on this CPU is worth taking.
/// </summary>
public static class NewtonSchulzComparison
{
    /// <summary>Runs the comparison; returns a process exit code.</summary>
    public static int Run(IReadOnlyList<ParameterSet> sets, int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(output);
        var ns32 = new NewtonSchulz(dtype: DType.Float32);
        var ns16 = new NewtonSchulz(dtype: DType.BFloat16);
        output.WriteLine($"Newton–Schulz (NS5) over each set's hidden matrices ({TorchRuntime.NumThreads} threads, native bfloat16 dot products: {(FusedSteps.CpuHasNativeBFloat16 ? "yes" : "no")}), median ms of {rounds} rounds");
        output.WriteLine($"{"set",-12} {"matrices",9} {"per-matrix f32",15} {"batched f32",12} {"batched bf16",13} {"one call bf16",14} {"f32 b/pm",9} {"bf16/f32 pm",12} {"one/f32 pm",11}");
        foreach (var set in sets)
        {
            using var scope = new DisposeScope();
            using var gen = new Generator(5);
            var matrices = set.Parameters.Where(p => p.Type.IsHiddenMatrix() && p.Shape.Length >= 2)
                .Select(p => Tensor.RandN(p.Shape, gen).Reshape(p.Shape[0], -1)).ToList();
            var batches = matrices.GroupBy(m => (m.Shape[0], m.Shape[1])).Select(g => (IReadOnlyList<Tensor>)g.ToList()).ToList();
            var perMatrix = new List<double>();
            var batched32 = new List<double>();
            var batched16 = new List<double>();
            var all16 = new List<double>();
            var ones = matrices.Select(_ => 1.0).ToList();
            for (int r = 0; r < rounds + 1; r++)
            {
                double pm = Time(() => matrices.ForEach(m => ns32.OrthogonalizeInPlace([m])));
                double b32 = Time(() => batches.ForEach(b => ns32.OrthogonalizeInPlace(b)));
                double b16 = Time(() => batches.ForEach(b => ns16.OrthogonalizeInPlace(b)));
                double a16 = Time(() => ns16.OrthogonalizeAllInPlace(matrices, ones));
                if (r == 0) continue; // warm-up
                perMatrix.Add(pm);
                batched32.Add(b32);
                batched16.Add(b16);
                all16.Add(a16);
            }

            double mpm = Stats.Median(perMatrix), m32 = Stats.Median(batched32), m16 = Stats.Median(batched16), a = Stats.Median(all16);
            output.WriteLine($"{set.Name,-12} {matrices.Count,9} {mpm,15:F2} {m32,12:F2} {m16,13:F2} {a,14:F2} {m32 / mpm,9:F3} {m16 / mpm,12:F3} {a / mpm,11:F3}");
        }

        return 0;
    }

    private static double Time(Action action)
    {
        long t0 = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
