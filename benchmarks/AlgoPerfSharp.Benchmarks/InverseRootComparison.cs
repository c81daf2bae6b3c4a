using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--inverse-roots</c>: ASGO's (P + εI)^(−½) of every statistic of a parameter set (P = G·Gᵀ or Gᵀ·G on the smaller
/// side of each hidden matrix's (rows, −1) view, float32), three ways side by side in alternating rounds: one by one
/// (<see cref="MatrixFunction.InverseRoot"/>, multi-threaded LAPACK), the former schedule (dealt only when they balance
/// within 15 %, else one by one, and the dealt bins run in turn on the calling thread as they always did:
/// <see cref="FusedSteps.InverseRootsDealt"/>) and the current one
/// (<see cref="MatrixFunction.InverseRoots"/>: <see cref="InverseRootSchedule.Plan"/>), and every matrix dealt, none alone
/// (the plan with no side large enough to run alone: whether w1024's single 1024 × 1024 root would be faster on one thread
/// than on all). A last row, <c>mix</c>, takes sides 9, 32, 64, 128 and 300, which do not balance. Prints the median ms
/// of each, the ratios to one by one and the plan.
/// </summary>
public static class InverseRootComparison
{
    private const double Epsilon = 1e-10; // ASGO's default

    /// <summary>Runs the comparison; returns a process exit code.</summary>
    public static int Run(IReadOnlyList<ParameterSet> sets, int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(output);
        int threads = TorchRuntime.NumThreads;
        var config = new InverseRootConfig(Epsilon);
        output.WriteLine($"inverse roots (P + εI)^(-1/2) of ASGO's statistics ({threads} threads), median ms of {rounds} rounds");
        output.WriteLine($"{"set",-12} {"matrices",9} {"one by one",11} {"former",9} {"planned",9} {"all dealt",10} {"former/1",9} {"planned/1",10} {"dealt/1",8}  plan (alone; per-thread cost ÷ fair share)");
        var rows = sets.Select(s => (s.Name, Shapes: Statistics(s))).ToList();
        rows.Add(("mix", [(9, 27), (32, 96), (64, 192), (128, 384), (300, 900)]));
        foreach (var (name, shapes) in rows)
        {
            using var scope = new DisposeScope();
            using var gen = new Generator(7);
            var matrices = shapes.Select(s =>
            {
                var g = Tensor.RandN([s.Rows, s.Cols], gen);
                return s.Rows < s.Cols ? g.Mm(g.T()) : g.T().Mm(g);
            }).ToList();
            var eps = matrices.Select(_ => Epsilon).ToArray();
            var oneByOne = new List<double>();
            var former = new List<double>();
            var planned = new List<double>();
            var allDealt = new List<double>();
            int[] everyDealt = InverseRootSchedule.Plan(matrices.Select(m => m.Shape[0]).ToArray(), threads, aloneSide: long.MaxValue);
            for (int r = 0; r < rounds + 1; r++)
            {
                double a = Time(() => matrices.ForEach(m => MatrixFunction.InverseRoot(m, 2, config)));
                double b = Time(() =>
                {
                    var dealt = matrices.Count > 1 ? FusedSteps.InverseRootsDealt(matrices, 2, eps) : new Tensor?[matrices.Count];
                    for (int i = 0; i < matrices.Count; i++) _ = dealt[i] ?? MatrixFunction.InverseRoot(matrices[i], 2, config);
                });
                double c = Time(() => MatrixFunction.InverseRoots(matrices, 2, config));
                double d = Time(() =>
                {
                    var dealt = threads > 1 ? FusedSteps.InverseRootsPlanned(matrices, 2, eps, everyDealt, threads) : new Tensor?[matrices.Count];
                    for (int i = 0; i < matrices.Count; i++) _ = dealt[i] ?? MatrixFunction.InverseRoot(matrices[i], 2, config);
                });
                if (r == 0) continue; // warm-up
                oneByOne.Add(a);
                former.Add(b);
                planned.Add(c);
                allDealt.Add(d);
            }

            double m1 = Stats.Median(oneByOne), mf = Stats.Median(former), mp = Stats.Median(planned), md = Stats.Median(allDealt);
            output.WriteLine($"{name,-12} {matrices.Count,9} {m1,11:F2} {mf,9:F2} {mp,9:F2} {md,10:F2} {mf / m1,9:F3} {mp / m1,10:F3} {md / m1,8:F3}  {Describe(matrices.Select(m => m.Shape[0]).ToArray(), threads)}");
        }

        return 0;
    }

    /// <summary>The (rows, cols) of the Gram factor of each hidden matrix, as <c>ScaleByAsgo</c> forms P.</summary>
    private static List<(long Rows, long Cols)> Statistics(ParameterSet set) =>
        set.Parameters.Where(p => p.Type.IsHiddenMatrix() && p.Shape.Length >= 2)
            .Select(p => (p.Shape[0], p.Shape.Skip(1).Aggregate(1L, (x, y) => x * y))).ToList();

    private static string Describe(long[] sides, int threads)
    {
        int[] plan = InverseRootSchedule.Plan(sides, threads);
        var alone = sides.Where((_, i) => plan[i] == InverseRootSchedule.Alone).ToList();
        var load = new double[threads];
        for (int i = 0; i < sides.Length; i++)
        {
            if (plan[i] != InverseRootSchedule.Alone) load[plan[i]] += InverseRootSchedule.Cost(sides[i]);
        }

        double share = load.Sum() / threads;
        string bins = share > 0 ? string.Join(" ", load.Select(l => $"{l / share:F2}")) : "-";
        return $"alone [{string.Join(", ", alone)}]; {bins}";
    }

    private static double Time(Action action)
    {
        using var scope = new DisposeScope();
        long t0 = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
