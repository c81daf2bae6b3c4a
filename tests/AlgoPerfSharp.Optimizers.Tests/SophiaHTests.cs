using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Sophia-H against a float64 loop of the paper's equations on a quadratic with a non-diagonal Hessian Q (Hutchinson
/// refresh h ← β2·h + (1 − β2)·u ⊙ Qu every k steps after the update, clipped step, decoupled decay), replayed with the
/// probes the algorithm drew (each checked to be ±1); what it spends; its refusal of a workload without Hessian–vector
/// products.
/// </summary>
public sealed class SophiaHTests
{
    private const int N = 8;
    private static readonly double[] C = [1, -1, 0.5, 2, -0.3, 0.7, 1.5, -2];
    private static readonly double[] W0 = [0.2, 0.1, -0.4, 0.3, 0.0, -0.1, 0.25, 0.6];

    // Q = diag(1, 3, 10, 0.5, 30, 2, 5, 0.2) + 0.4·(1 on the first off-diagonals): symmetric, not diagonal.
    private static readonly double[,] Q = BuildQ();

    private static double[,] BuildQ()
    {
        double[] d = [1, 3, 10, 0.5, 30, 2, 5, 0.2];
        var q = new double[N, N];
        for (int i = 0; i < N; i++)
        {
            q[i, i] = d[i];
            if (i + 1 < N) q[i, i + 1] = q[i + 1, i] = 0.4;
        }

        return q;
    }

    private static double[] Times(double[] v) => Enumerable.Range(0, N).Select(i => Enumerable.Range(0, N).Sum(j => Q[i, j] * v[j])).ToArray();

    private static WorkloadInfo Workload(bool hvp = true) =>
        new("test_quadratic", LossType.MeanSquaredError, 20, 3600, 1000, 4) { SupportsHessianVectorProducts = hvp };

    private static ModelParameter[] Parameters() =>
        [Fixtures.Param("w", [2, 3], W0[..6], ParameterType.Weight), Fixtures.Param("b", [2], W0[6..], ParameterType.Bias)];

    private static double[] Flat(IReadOnlyList<ModelParameter> ps) => ps.SelectMany(Fixtures.Values).ToArray();

    /// <summary>Gradient Q(w − c); Hessian–vector products Qu, recording every probe u it is given.</summary>
    private sealed class QuadraticOracle(ModelParameter[] ps) : IStepOracle
    {
        public List<double[]> Probes { get; } = [];

        public int Examples => 4;

        public double LossAndGradients()
        {
            var g = Times([.. Flat(ps).Select((x, i) => x - C[i])]);
            Fixtures.SetGrad(ps[0], g[..6]);
            Fixtures.SetGrad(ps[1], g[6..]);
            return 0;
        }

        public IReadOnlyList<Tensor> HessianVectorProduct(IReadOnlyList<Tensor> vector)
        {
            Assert.Equal([2L, 3L], vector[0].Shape);
            Assert.Equal(DType.Float64, vector[1].DType);
            double[] u = [.. vector.SelectMany(v => v.ToArray<double>())];
            Probes.Add(u);
            var qu = Times(u);
            return [Tensor.From<double>(qu.AsSpan(0, 6), [2, 3]), Tensor.From<double>(qu.AsSpan(6))];
        }

        public double Loss() => throw new NotSupportedException();

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups) => throw new NotSupportedException();

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets) => throw new NotSupportedException();

        public int DrawMoreData(int batches) => throw new NotSupportedException();
    }

    private static Hyperparameters Point(int k = 3) => new(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.02, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.9, ["rho"] = 0.05, ["epsilon"] = 1e-12, ["weight_decay"] = 0.1,
        ["hessian_update_interval"] = (double)k, ["lr_schedule"] = "constant",
    });

    private static (double[][] Ws, QuadraticOracle Oracle) Train(int steps, ulong seed)
    {
        var ps = Parameters();
        var oracle = new QuadraticOracle(ps);
        using var run = new SophiaH().Init(new AlgorithmInitContext(ps, Point(), Workload(), seed));
        var ws = new double[steps][];
        for (int t = 0; t < steps; t++)
        {
            using var scope = new DisposeScope();
            var step = new StepContext(t, ps, Workload(), 0, [], oracle);
            run.Update(step);
            Assert.Equal(1, step.GradientEvaluations);
            Assert.Equal((t + 1) % 3 == 0 ? 1 : 0, step.HessianVectorProducts);
            ws[t] = Flat(ps);
        }

        Assert.Equal(steps / 3, (int)run.Diagnostics()["sophia/hessian_updates"]);
        Fixtures.DisposeAll(ps);
        return (ws, oracle);
    }

    [Fact]
    public void TwentyFiveStepsMatchTheReferenceLoopReplayedWithItsRademacherProbes()
    {
        const int steps = 25;
        const double lr = 0.02, beta1 = 0.9, beta2 = 0.9, rho = 0.05, wd = 0.1, eps = 1e-12;
        var (ws, oracle) = Train(steps, seed: 7);

        Assert.Equal(8, oracle.Probes.Count);
        Assert.All(oracle.Probes, u => Assert.All(u, x => Assert.True(x is 1.0 or -1.0, $"probe entry {x}")));
        var all = oracle.Probes.SelectMany(u => u).ToArray();
        Assert.InRange(all.Count(x => x > 0), 16, 48);                                   // 64 fair signs: both kinds, not degenerate
        Assert.InRange(oracle.Probes.Select(u => string.Join(",", u)).Distinct().Count(), 6, 8); // a fresh probe per refresh (8 signs each: a repeat now and then)

        double[] w = (double[])W0.Clone(), m = new double[N], h = new double[N];
        int refresh = 0;
        for (int t = 1; t <= steps; t++)
        {
            var g = Times([.. w.Select((x, i) => x - C[i])]);
            for (int i = 0; i < N; i++)
            {
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g[i]);
                double ratio = Math.Clamp(m[i] / Math.Max(rho * h[i], eps), -1, 1);
                w[i] = w[i] - (lr * wd * w[i]) - (lr * ratio);
            }

            if (t % 3 == 0)
            {
                var u = oracle.Probes[refresh++];
                var qu = Times(u);                                     // at the updated point: Q is constant here
                for (int i = 0; i < N; i++) h[i] = (beta2 * h[i]) + ((1 - beta2) * u[i] * qu[i]);
            }

            for (int i = 0; i < N; i++) Assert.True(Math.Abs(w[i] - ws[t - 1][i]) <= 1e-12, $"w[{i}] after step {t}: {ws[t - 1][i]:R} vs {w[i]:R}");
        }

        // the Hutchinson estimate is not the diagonal itself (Q has off-diagonals): some refresh saw u_i·(Qu)_i ≠ Q_ii
        Assert.Contains(oracle.Probes, u => Enumerable.Range(0, N).Any(i => Math.Abs((u[i] * Times(u)[i]) - Q[i, i]) > 0.1));
    }

    [Fact]
    public void TheSameSeedDrawsTheSameProbesAndAnotherSeedOthers()
    {
        var (a, oa) = Train(12, seed: 3);
        var (b, ob) = Train(12, seed: 3);
        var (_, oc) = Train(12, seed: 4);
        Assert.Equal(a[^1], b[^1]);
        Assert.Equal(oa.Probes, ob.Probes);
        Assert.NotEqual(oa.Probes.SelectMany(u => u), oc.Probes.SelectMany(u => u));
    }

    [Fact]
    public void AWorkloadWithoutHessianVectorProductsIsRefusedAtInitInOneLine()
    {
        var ps = Parameters();
        var e = Assert.ThrowsAny<ArgumentException>(() => new SophiaH().Init(new AlgorithmInitContext(ps, Hyperparameters.Empty, Workload(hvp: false), 0)));
        Assert.Equal(
            "sophia_h estimates the Hessian's diagonal from Hessian–vector products, which workload test_quadratic does not offer (its graph is not declared twice differentiable): pick another algorithm for it",
            e.Message);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void DefaultsAreSophiaGsWithLevantersRhoForSophiaH()
    {
        var d = new SophiaH().Defaults;
        Assert.Equal([6e-4, 0.035, 0.99, 0.01, 1e-12, 0.2, 10, 0.02],
            new[] { "learning_rate", "one_minus_beta1", "beta2", "rho", "epsilon", "weight_decay", "hessian_update_interval", "warmup_factor" }.Select(k => d.GetDouble(k)));
    }
}
