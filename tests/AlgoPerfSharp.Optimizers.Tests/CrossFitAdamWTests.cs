using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Cross-fitted AdamW against a float64 loop written from the official BiasCorrectedAdamW's equations (with and
/// without variance-corrected inversion), the identity with AdamW when both groups see the same gradients, and its
/// one-line refusals.
/// </summary>
public sealed class CrossFitAdamWTests
{
    private static readonly double[] A = [1, 3, 10, 0.5, 30, 2, 5, 0.2];   // f(w) = ½ Σ aᵢ(wᵢ − cᵢ)²
    private static readonly double[] C = [1, -1, 0.5, 2, -0.3, 0.7, 1.5, -2];
    private static readonly double[] W0 = [0.2, 0.1, -0.4, 0.3, 0.0, -0.1, 0.25, 0.6];
    private const int Groups = 4;

    private static WorkloadInfo Workload => new("test_quadratic", LossType.MeanSquaredError, 20, 3600, 1000, 16);

    private static ModelParameter[] Parameters() =>
        [Fixtures.Param("w", [2, 3], W0[..6], ParameterType.Weight), Fixtures.Param("b", [2], W0[6..], ParameterType.Bias)];

    private static double[] Flat(IReadOnlyList<ModelParameter> ps) => ps.SelectMany(Fixtures.Values).ToArray();

    private static double[] Gradient(double[] w) => w.Select((x, i) => A[i] * (x - C[i])).ToArray();

    /// <summary>Group j's gradient at step t: the quadratic's plus a known perturbation (zero when <paramref name="noise"/> is 0).</summary>
    private static double[] GroupGradient(double[] w, int t, int j, double noise) =>
        Gradient(w).Select((g, i) => g + (noise * Math.Sin((t * (j + 1)) + i) * (j - 1.5))).ToArray();

    /// <summary>Four groups of 4 examples: <see cref="GroupGradient"/>; the parameters' grads become their mean.</summary>
    private sealed class FakeOracle(ModelParameter[] ps, double noise) : IStepOracle
    {
        private int _t;

        public int Examples => 16;

        public double LossAndGradients()
        {
            Set(Gradient(Flat(ps)));
            return 0;
        }

        public double Loss() => throw new NotSupportedException();

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
        {
            Assert.Equal(Groups, groups);
            double[] w = Flat(ps);
            var result = new List<SubBatchGradients>();
            for (int j = 0; j < groups; j++)
            {
                double[] g = GroupGradient(w, _t, j, noise);
                result.Add(new SubBatchGradients(0, 4, [Tensor.From<double>(g.AsSpan(0, 6), [2, 3]), Tensor.From<double>(g.AsSpan(6))]));
            }

            _t++;
            Set(Enumerable.Range(0, w.Length).Select(i => result.Average(r => r.Gradients[i < 6 ? 0 : 1].ToArray<double>()[i < 6 ? i : i - 6])).ToArray());
            return result;
        }

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets) => throw new NotSupportedException();

        public int DrawMoreData(int batches) => throw new NotSupportedException();

        private void Set(double[] g)
        {
            Fixtures.SetGrad(ps[0], g[..6]);
            Fixtures.SetGrad(ps[1], g[6..]);
        }
    }

    private static Dictionary<string, object> Point(bool correction) => new()
    {
        ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["epsilon"] = 1e-8, ["weight_decay"] = 0.05,
        ["lr_schedule"] = "constant", ["microbatches"] = (double)Groups, ["variance_correction"] = correction,
    };

    private static void Close(double[] expected, double[] got, string what)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-12, $"{what}[{i}]: {got[i]:R} vs {expected[i]:R}");
    }

    /// <summary>The official step, float64: decay, variance from v_{t−1}, EMAs, bias correction, corrected inverse.</summary>
    private static double[][] Reference(int steps, bool correction, double noise)
    {
        const double lr = 0.05, beta1 = 0.9, beta2 = 0.99, eps = 1e-8, wd = 0.05;
        int n = W0.Length;
        double[] w = (double[])W0.Clone(), m = new double[n], v = new double[n];
        var ws = new double[steps][];
        for (int t = 1; t <= steps; t++)
        {
            var groups = Enumerable.Range(0, Groups).Select(j => GroupGradient(w, t - 1, j, noise)).ToArray();
            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
            for (int i = 0; i < n; i++)
            {
                double gA = (groups[0][i] + groups[1][i]) / 2;
                double[] gB = [groups[2][i], groups[3][i]];
                double variance = 0;
                if (correction)
                {
                    double[] p = gB.Select(g => Math.Sqrt(((beta2 * v[i]) + ((1 - beta2) * g * g)) / bc2)).ToArray();
                    double mean = p.Average();
                    variance = p.Sum(x => (x - mean) * (x - mean)) / (p.Length * (p.Length - 1));
                }

                w[i] *= 1 - (lr * wd);
                m[i] = (beta1 * m[i]) + ((1 - beta1) * gA);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * gB.Average(g => g * g));
                double d = Math.Sqrt(v[i] / bc2) + eps;
                double inv = Math.Max(0, (1 / d) - (variance / (d * d * d)));
                w[i] -= lr * (m[i] / bc1) * inv;
            }

            ws[t - 1] = (double[])w.Clone();
        }

        return ws;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TwentyFiveStepsMatchTheReferenceLoop(bool correction)
    {
        const int steps = 25;
        var expected = Reference(steps, correction, noise: 0.8);
        var ps = Parameters();
        var oracle = new FakeOracle(ps, 0.8);
        using var run = new CrossFitAdamW().Init(new AlgorithmInitContext(ps, new Hyperparameters(Point(correction)), Workload, 0));
        for (int t = 0; t < steps; t++)
        {
            using var scope = new DisposeScope();
            var step = new StepContext(t, ps, Workload, 0, [], oracle);
            run.Update(step);
            Assert.Equal(1, step.GradientEvaluations);
            Close(expected[t], Flat(ps), $"w after step {t + 1}");
        }

        // the correction changes the trajectory (the test above would not notice a correction that did nothing)
        Assert.NotEqual(Reference(steps, true, 0.8)[^1], Reference(steps, false, 0.8)[^1]);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void WithBothGroupsFedTheSameGradientsItIsAdamW()
    {
        // Identical microbatches: g_A = g, mean_j g_{B_j}² = g², and the roots p_j agree so Var = 0: the adamw built-in's
        // step, to rounding, for 20 steps.
        var cf = Parameters();
        var adam = Parameters();
        var h = Point(correction: true);
        using var r1 = new CrossFitAdamW().Init(new AlgorithmInitContext(cf, new Hyperparameters(h), Workload, 0));
        h.Remove("microbatches");
        h.Remove("variance_correction");
        using var r2 = new AdamW().Init(new AlgorithmInitContext(adam, new Hyperparameters(h), Workload, 0));
        var o1 = new FakeOracle(cf, noise: 0);
        var o2 = new FakeOracle(adam, noise: 0);
        for (int t = 0; t < 20; t++)
        {
            using var scope = new DisposeScope();
            r1.Update(new StepContext(t, cf, Workload, 0, [], o1));
            r2.Update(new StepContext(t, adam, Workload, 0, [], o2));
            Close(Flat(adam), Flat(cf), $"step {t + 1}");
        }

        Fixtures.DisposeAll(cf.Concat(adam));
    }

    [Theory]
    [InlineData(3.0, "microbatches must be even, half for each side (got 3)")]
    [InlineData(32.0, "microbatches = 32 exceeds the batch of test_quadratic (16 examples); set microbatches ≤ 16")]
    public void BadMicrobatchCountsAreRefusedAtInitInOneLine(double microbatches, string message)
    {
        var ps = Parameters();
        var e = Assert.ThrowsAny<ArgumentException>(() => new CrossFitAdamW().Init(new AlgorithmInitContext(
            ps, new Hyperparameters(new Dictionary<string, object> { ["microbatches"] = microbatches }), Workload, 0)));
        Assert.Equal(message, e.Message);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void DefaultsAreTheOfficialOptimizersWithTheFullMode()
    {
        var d = new CrossFitAdamW().Defaults;
        Assert.Equal([1e-3, 0.1, 0.999, 1e-8, 0.01, 0.05, 8],
            new[] { "learning_rate", "one_minus_beta1", "beta2", "epsilon", "weight_decay", "warmup_factor", "microbatches" }.Select(k => d.GetDouble(k)));
        Assert.True(d.GetBoolean("variance_correction"));
    }
}
