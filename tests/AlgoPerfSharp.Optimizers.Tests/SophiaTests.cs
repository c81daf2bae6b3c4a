using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Sophia-G against a float64 loop written from the official code's equations (GNB refresh every k steps after the
/// update, clipped step, decoupled decay), its sign-momentum limit, the label sampler's distribution, what it spends,
/// and its refusal of a loss it cannot sample.
/// </summary>
public sealed class SophiaTests
{
    private static readonly double[] A = [1, 3, 10, 0.5, 30, 2, 5, 0.2];   // f(w) = ½ Σ aᵢ(wᵢ − cᵢ)²
    private static readonly double[] C = [1, -1, 0.5, 2, -0.3, 0.7, 1.5, -2];
    private static readonly double[] W0 = [0.2, 0.1, -0.4, 0.3, 0.0, -0.1, 0.25, 0.6];
    private const int Rows = 4;                                             // the fake batch: 4 rows of 3 logits

    private static WorkloadInfo Workload(LossType loss = LossType.SoftmaxCrossEntropy) => new("test_classifier", loss, 20, 3600, 1000, Rows);

    private static ModelParameter[] Parameters() =>
        [Fixtures.Param("w", [2, 3], W0[..6], ParameterType.Weight), Fixtures.Param("b", [2], W0[6..], ParameterType.Bias)];

    private static double[] Flat(IReadOnlyList<ModelParameter> ps) => ps.SelectMany(Fixtures.Values).ToArray();

    /// <summary>The "sampled-label gradient" the fake oracle returns at refresh r (a known function of r and the point).</summary>
    private static double[] Sampled(int r, double[] w) => w.Select((x, i) => Math.Cos(r + i) * (0.2 + (0.1 * i)) + (0.05 * x)).ToArray();

    /// <summary>
    /// Quadratic gradients for the step's loss; for own targets it hands fixed logits (4, 3) to the algorithm's sampler,
    /// checks what comes back, and sets <see cref="Sampled"/> as the gradient.
    /// </summary>
    private sealed class FakeOracle(ModelParameter[] ps, int firstRefresh = 0) : IStepOracle
    {
        public int Refreshes { get; private set; } = firstRefresh;

        public int Examples => Rows;

        public double LossAndGradients()
        {
            double[] w = Flat(ps);
            Set(w.Select((x, i) => A[i] * (x - C[i])).ToArray());
            return 0;
        }

        public double Loss() => throw new NotSupportedException();

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups) => throw new NotSupportedException();

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets)
        {
            using var logits = Tensor.From<double>([0.1, 2, -1, 0, 0, 0, 3, 1, -2, -1, 0.5, 0.2], [Rows, 3]);
            var labels = targets(logits);
            Assert.Equal([Rows], labels.Shape);
            Assert.Equal(DType.Int64, labels.DType);
            Assert.All(labels.ToArray<long>(), l => Assert.InRange(l, 0, 2));
            Set(Sampled(Refreshes++, Flat(ps)));
            return 0;
        }

        public int DrawMoreData(int batches) => throw new NotSupportedException();

        private void Set(double[] g)
        {
            Fixtures.SetGrad(ps[0], g[..6]);
            Fixtures.SetGrad(ps[1], g[6..]);
        }
    }

    private static Hyperparameters Point(double rho = 0.05, double wd = 0.1, int k = 3) => new(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.02, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.9, ["rho"] = rho, ["epsilon"] = 1e-12, ["weight_decay"] = wd,
        ["hessian_update_interval"] = (double)k, ["lr_schedule"] = "constant",
    });

    private static ITrainingRun Init(ModelParameter[] ps, Hyperparameters h) => new SophiaG().Init(new AlgorithmInitContext(ps, h, Workload(), 7));

    private static StepContext Update(ITrainingRun run, ModelParameter[] ps, FakeOracle oracle, long t)
    {
        using var scope = new DisposeScope();
        var step = new StepContext(t, ps, Workload(), 0, [], oracle);
        run.Update(step);
        return step;
    }

    /// <summary>The official step with η 0.02, β1 0.9, β2 0.9, ε 1e-12: returns w after each step.</summary>
    private static double[][] Reference(int steps, double rho, double wd, int k)
    {
        const double lr = 0.02, beta1 = 0.9, beta2 = 0.9, eps = 1e-12;
        int n = W0.Length, refreshes = 0;
        double[] w = (double[])W0.Clone(), m = new double[n], h = new double[n];
        var ws = new double[steps][];
        for (int t = 1; t <= steps; t++)
        {
            double[] g = w.Select((x, i) => A[i] * (x - C[i])).ToArray();
            for (int i = 0; i < n; i++)
            {
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g[i]);
                double ratio = Math.Clamp(m[i] / Math.Max(rho * h[i], eps), -1, 1);
                w[i] = w[i] - (lr * wd * w[i]) - (lr * ratio);
            }

            if (t % k == 0)
            {
                double[] gh = Sampled(refreshes++, w);              // at the updated point, as the official loop
                for (int i = 0; i < n; i++) h[i] = (beta2 * h[i]) + ((1 - beta2) * Rows * gh[i] * gh[i]);
            }

            ws[t - 1] = (double[])w.Clone();
        }

        return ws;
    }

    private static void Close(double[] expected, double[] got, string what)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-12, $"{what}[{i}]: {got[i]:R} vs {expected[i]:R}");
    }

    [Fact]
    public void TwentyFiveStepsMatchTheReferenceLoop()
    {
        const int steps = 25;
        var expected = Reference(steps, rho: 0.05, wd: 0.1, k: 3);
        var ps = Parameters();
        var oracle = new FakeOracle(ps);
        using var run = Init(ps, Point());
        for (int t = 0; t < steps; t++)
        {
            var step = Update(run, ps, oracle, t);
            Close(expected[t], Flat(ps), $"w after step {t + 1}");
            Assert.Equal((t + 1) % 3 == 0 ? 2 : 1, step.GradientEvaluations);
        }

        Assert.Equal(8, oracle.Refreshes);
        var d = run.Diagnostics();
        Assert.Equal(8, d["sophia/hessian_updates"]);
        Assert.InRange(d["sophia/win_rate"], 0.0, 1.0);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void WithRhoZeroEveryCoordinateIsClippedAndTheStepIsSignMomentum()
    {
        // The limit: ρ = 0 (or a Hessian estimate that never catches up with |m|) leaves max(ρ·h, ε) = ε, so every
        // coordinate is clipped and the step is w ← w·(1 − ηλ) − η·sign(m): Lion with β1 = β2 (sign of the EMA).
        var ps = Parameters();
        var oracle = new FakeOracle(ps);
        using var run = Init(ps, Point(rho: 0));
        double[] w = (double[])W0.Clone(), m = new double[W0.Length];
        for (int t = 0; t < 20; t++)
        {
            double[] g = w.Select((x, i) => A[i] * (x - C[i])).ToArray();
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = (0.9 * m[i]) + (0.1 * g[i]);
                w[i] = w[i] - (0.02 * 0.1 * w[i]) - (0.02 * Math.Sign(m[i]));
            }

            Update(run, ps, oracle, t);
            Close(w, Flat(ps), $"step {t + 1}");
        }

        Assert.Equal(0, run.Diagnostics()["sophia/win_rate"]);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void ACheckpointResumesIdentically()
    {
        var ps1 = Parameters();
        var o1 = new FakeOracle(ps1);
        using var run1 = Init(ps1, Point());
        for (int t = 0; t < 7; t++) Update(run1, ps1, o1, t);
        using var state = run1.SaveState();
        var saved = ps1.Select(Fixtures.Values).ToArray();
        for (int t = 7; t < 16; t++) Update(run1, ps1, o1, t);

        var ps2 = Parameters();
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < ps2.Length; i++)
            {
                using var v = Tensor.From<double>(saved[i], ps2[i].Tensor.Shape);
                ps2[i].Tensor.CopyInPlace(v);
            }
        }

        var o2 = new FakeOracle(ps2, firstRefresh: 2); // refreshes 0 and 1 (after steps 3 and 6) came before the checkpoint
        using var run2 = Init(ps2, Point());
        run2.LoadState(state);
        for (int t = 7; t < 16; t++) Update(run2, ps2, o2, t);
        Assert.Equal(Flat(ps1), Flat(ps2));
        Fixtures.DisposeAll(ps1.Concat(ps2));
    }

    [Fact]
    public void SampledLabelsFollowTheSoftmaxAndTheSigmoid()
    {
        // 20 000 draws per row of fixed logits: the class frequencies match softmax(logits) within 0.015 (≥ 4σ here),
        // and Bernoulli draws match σ(logit). Seeded, so the test is deterministic.
        const int n = 20000;
        double[] logits = [1.0, 0.0, -1.0];
        using var scope = new DisposeScope();
        using var generator = new Generator(42);
        var rows = Tensor.From<double>(Enumerable.Range(0, n).SelectMany(_ => logits).ToArray(), [n, 3]);
        long[] labels = PredictiveSampler.Sample(rows, LossType.SoftmaxCrossEntropy, generator).ToArray<long>();
        double z = logits.Sum(Math.Exp);
        for (int c = 0; c < 3; c++) Assert.InRange(labels.Count(l => l == c) / (double)n, (Math.Exp(logits[c]) / z) - 0.015, (Math.Exp(logits[c]) / z) + 0.015);

        var single = Tensor.Full([n], 0.5, DType.Float64);
        double[] bits = PredictiveSampler.Sample(single, LossType.SigmoidCrossEntropy, generator).ToArray<double>();
        Assert.All(bits, b => Assert.True(b is 0 or 1));
        Assert.InRange(bits.Average(), (1 / (1 + Math.Exp(-0.5))) - 0.015, (1 / (1 + Math.Exp(-0.5))) + 0.015);
    }

    [Fact]
    public void AWorkloadWithoutACrossEntropyIsRefusedAtInitInOneLine()
    {
        var ps = Parameters();
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            new SophiaG().Init(new AlgorithmInitContext(ps, Hyperparameters.Empty, Workload(LossType.MeanSquaredError), 0)));
        Assert.Equal(
            "sophia_g samples labels from the model's predictive distribution, which needs a cross-entropy loss; workload test_classifier minimises MeanSquaredError: pick another algorithm for it",
            e.Message);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void DefaultsAreTheOfficialGpt2SmallConfig()
    {
        var d = new SophiaG().Defaults;
        Assert.Equal([6e-4, 0.035, 0.99, 0.05, 1e-12, 0.2, 10, 0.02],
            new[] { "learning_rate", "one_minus_beta1", "beta2", "rho", "epsilon", "weight_decay", "hessian_update_interval", "warmup_factor" }.Select(k => d.GetDouble(k)));
    }
}
