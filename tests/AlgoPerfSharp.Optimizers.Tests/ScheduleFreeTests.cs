using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Schedule-Free AdamW against a float64 loop written from the reference's equations, its evaluation swap (x in,
/// y back before the next gradient, consistent checkpoints in both modes) and two identities with β1 = 0.
/// </summary>
public sealed class ScheduleFreeTests
{
    private static readonly double[] A = [1, 3, 10, 0.5, 30, 2, 5, 0.2];   // curvatures of f(w) = ½ Σ aᵢ(wᵢ − cᵢ)²
    private static readonly double[] C = [1, -1, 0.5, 2, -0.3, 0.7, 1.5, -2];
    private static readonly double[] W0 = [0.2, 0.1, -0.4, 0.3, 0.0, -0.1, 0.25, 0.6];

    /// <summary>Two parameters: a 2×3 matrix (the first six coordinates) and a bias of 2 (the last two).</summary>
    private static ModelParameter[] Parameters() =>
        [Fixtures.Param("w", [2, 3], W0[..6], ParameterType.Weight), Fixtures.Param("b", [2], W0[6..], ParameterType.Bias)];

    private static double[] Flat(IReadOnlyList<ModelParameter> ps) => ps.SelectMany(Fixtures.Values).ToArray();

    /// <summary>A step whose gradient is the quadratic's at the parameters' current values (so it sees where it is taken).</summary>
    private static StepContext Step(long t, ModelParameter[] ps) => new(t, ps, Fixtures.Workload(20), 0, [], () =>
    {
        double[] w = Flat(ps);
        double[] g = w.Select((x, i) => A[i] * (x - C[i])).ToArray();
        Fixtures.SetGrad(ps[0], g[..6]);
        Fixtures.SetGrad(ps[1], g[6..]);
        return 0;
    });

    private static Hyperparameters Point(double oneMinusBeta1 = 0.1, double wd = 0.05, double eps = 1e-8, string schedule = "constant", double warmup = 0, double power = 2, double r = 0.75) =>
        new(new Dictionary<string, object>
        {
            ["learning_rate"] = 0.05, ["one_minus_beta1"] = oneMinusBeta1, ["beta2"] = 0.99, ["epsilon"] = eps, ["weight_decay"] = wd,
            ["lr_schedule"] = schedule, ["warmup_factor"] = warmup, ["weight_lr_power"] = power, ["r"] = r,
        });

    private static ITrainingRun Init(ModelParameter[] ps, Hyperparameters h) => new ScheduleFreeAdamW().Init(new AlgorithmInitContext(ps, h, Fixtures.Workload(20), 0));

    private static void Update(ITrainingRun run, ModelParameter[] ps, long t)
    {
        using var scope = new DisposeScope();
        run.Update(Step(t, ps));
    }

    /// <summary>
    /// The reference loop (the paper's Algorithm / the reference's step, decay at y): returns y after each step and x
    /// at the end. η_k = 0.05 · min(1, (k + 1)/warmup) for the 0-based step k.
    /// </summary>
    private static (double[][] Y, double[] X) Reference(int steps, double beta1, double wd, double eps, long warmup, double power, double r)
    {
        const double lr = 0.05, beta2 = 0.99;
        int n = W0.Length;
        double[] y = (double[])W0.Clone(), z = (double[])W0.Clone(), x = (double[])W0.Clone(), v = new double[n];
        double lrMax = 0, weightSum = 0;
        var ys = new double[steps][];
        for (int k = 0; k < steps; k++)
        {
            double[] g = y.Select((w, i) => A[i] * (w - C[i])).ToArray();
            double eta = k < warmup ? lr * (k + 1) / warmup : lr;
            double gamma = eta * Math.Sqrt(1 - Math.Pow(beta2, k + 1));
            lrMax = Math.Max(lrMax, gamma);
            double weight = Math.Pow(k + 1, r) * Math.Pow(lrMax, power);
            weightSum += weight;
            double c = weight / weightSum;
            for (int i = 0; i < n; i++)
            {
                z[i] -= gamma * wd * y[i];
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g[i] * g[i]);
                z[i] -= gamma * g[i] / (Math.Sqrt(v[i]) + eps);
                x[i] = ((1 - c) * x[i]) + (c * z[i]);
                y[i] = (beta1 * x[i]) + ((1 - beta1) * z[i]);
            }

            ys[k] = (double[])y.Clone();
        }

        return (ys, x);
    }

    private static void Close(double[] expected, double[] got, string what)
    {
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-12, $"{what}[{i}]: {got[i]:R} vs {expected[i]:R}");
    }

    [Theory]
    [InlineData("constant", 0.0)]
    [InlineData("warmup_constant", 0.25)] // 5 warm-up steps of the step hint 20
    public void TwentyFiveStepsMatchTheReferenceLoopAndEvaluationSeesTheAverage(string schedule, double warmupFactor)
    {
        const int steps = 25;
        var (ys, x) = Reference(steps, beta1: 0.9, wd: 0.05, eps: 1e-8, warmup: (long)(warmupFactor * 20), power: 2, r: 0.75);
        var ps = Parameters();
        using var run = Init(ps, Point(schedule: schedule, warmup: warmupFactor));
        for (int t = 0; t < steps; t++)
        {
            Update(run, ps, t);
            Close(ys[t], Flat(ps), $"y after step {t + 1}");
        }

        run.PrepareForEval(Step(steps, ps));
        Close(x, Flat(ps), "x at evaluation");
        run.PrepareForEval(Step(steps, ps)); // twice is once
        Close(x, Flat(ps), "x after a second PrepareForEval");
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void TrainingResumesFromYAfterAnEvaluationBitForBit()
    {
        // An evaluation every 3 steps changes nothing about the training trajectory: the next update recomputes y from
        // x and z with the step's own formula before it takes the gradient.
        var plain = Parameters();
        var evaluated = Parameters();
        using var r1 = Init(plain, Point());
        using var r2 = Init(evaluated, Point());
        for (int t = 0; t < 20; t++)
        {
            Update(r1, plain, t);
            Update(r2, evaluated, t);
            if (t % 3 == 2)
            {
                using var scope = new DisposeScope();
                r2.PrepareForEval(Step(t + 1, evaluated));
                Assert.NotEqual(Flat(plain), Flat(evaluated));
            }
        }

        Assert.Equal(Flat(plain), Flat(evaluated));
        Fixtures.DisposeAll(plain.Concat(evaluated));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACheckpointResumesIdenticallyInEitherMode(bool inEvaluation)
    {
        // The harness saves the model's parameters beside the algorithm's state: x while evaluating, y otherwise.
        // Restoring both into a fresh run and continuing gives the uninterrupted run's parameters exactly.
        var ps1 = Parameters();
        using var run1 = Init(ps1, Point());
        for (int t = 0; t < 7; t++) Update(run1, ps1, t);
        if (inEvaluation) run1.PrepareForEval(Step(7, ps1));
        using var state = run1.SaveState();
        Assert.Equal(inEvaluation ? "1" : "0", state.Values.Single(kv => kv.Key.EndsWith(".evaluating", StringComparison.Ordinal)).Value);
        var saved = ps1.Select(Fixtures.Values).ToArray();
        for (int t = 7; t < 15; t++) Update(run1, ps1, t);

        var ps2 = Parameters();
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < ps2.Length; i++)
            {
                using var v = Tensor.From<double>(saved[i], ps2[i].Tensor.Shape);
                ps2[i].Tensor.CopyInPlace(v);
            }
        }

        using var run2 = Init(ps2, Point());
        run2.LoadState(state);
        for (int t = 7; t < 15; t++) Update(run2, ps2, t);
        Assert.Equal(Flat(ps1), Flat(ps2));
        Fixtures.DisposeAll(ps1.Concat(ps2));
    }

    [Fact]
    public void WithBeta1ZeroTrainingFollowsAdamWithoutMomentum()
    {
        // Identity 1. β1 = 0 makes y = z: the gradient point never sees the average, so the training iterates are
        // AdamW-style steps z ← z − γλz − γ·g/(√v + ε) with γ = η·√(1 − β2ᵗ). With λ = 0 and ε = 0 that is exactly
        // AdamW with β1 = 0, ε = 0 and no decay (its bias-corrected step η·g/(√v/√(1 − β2ᵗ)) is the same number): the
        // adamw built-in, run side by side on the same problem, gives the same parameters at every step.
        var sf = Parameters();
        var adam = Parameters();
        using var r1 = Init(sf, Point(oneMinusBeta1: 1.0, wd: 0, eps: 0));
        var adamPoint = new Hyperparameters(new Dictionary<string, object>
        {
            ["learning_rate"] = 0.05, ["one_minus_beta1"] = 1.0, ["beta2"] = 0.99, ["epsilon"] = 0.0, ["weight_decay"] = 0.0, ["lr_schedule"] = "constant",
        });
        using var r2 = new AdamW().Init(new AlgorithmInitContext(adam, adamPoint, Fixtures.Workload(20), 0));
        for (int t = 0; t < 20; t++)
        {
            Update(r1, sf, t);
            Update(r2, adam, t);
            Close(Flat(adam), Flat(sf), $"step {t + 1}");
        }

        Fixtures.DisposeAll(sf.Concat(adam));
    }

    [Fact]
    public void WithUniformWeightsTheAverageIsTheMeanOfTheIterates()
    {
        // Identity 2. With r = 0 and weight_lr_power = 0 every step weighs 1, so c_t = 1/t and x_T = (z_1 + … + z_T)/T;
        // with β1 = 0 the z_t are the training iterates the parameters hold after each update.
        var ps = Parameters();
        using var run = Init(ps, Point(oneMinusBeta1: 1.0, power: 0, r: 0));
        var sum = new double[W0.Length];
        const int steps = 20;
        for (int t = 0; t < steps; t++)
        {
            Update(run, ps, t);
            double[] z = Flat(ps);
            for (int i = 0; i < sum.Length; i++) sum[i] += z[i];
        }

        run.PrepareForEval(Step(steps, ps));
        Close(sum.Select(s => s / steps).ToArray(), Flat(ps), "x");
        Assert.Equal(1.0 / steps, run.Diagnostics()["schedule_free/averaging_weight"], 15);
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void AStepWhileTheAverageIsSwappedInIsRefused()
    {
        // Only the run's Update swaps y back; an engine stepped directly from the average would take the gradient at x.
        var p = Fixtures.Param("w", [0.5, -1.0]);
        using var opt = new TransformOptimizer([p], new ScaleByScheduleFree(0.9, 0.99, 1e-8, 0, new ConstantSchedule(0.1)));
        Fixtures.SetGrad(p, [1.0, 2.0]);
        opt.Step();
        opt.PrepareForEval();
        Fixtures.SetGrad(p, [1.0, 2.0]);
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step());
        Assert.Contains("call PrepareForTraining before computing the next gradient", e.Message);
        opt.PrepareForTraining();
        Assert.True(opt.Step());
        p.Tensor.Dispose();
    }

    [Fact]
    public void DefaultsAreAlgoPerfsSelfTuningPointWithAWarmupThenConstantSchedule()
    {
        var a = new ScheduleFreeAdamW();
        var d = a.Defaults;
        Assert.Equal([0.0025, 0.1, 0.9955159689799007, 1e-8, 0.08121616522670176, 0.015, 2.0, 0.75],
            new[] { "learning_rate", "one_minus_beta1", "beta2", "epsilon", "weight_decay", "warmup_factor", "weight_lr_power", "r" }.Select(k => d.GetDouble(k)));
        var h = new HyperparameterReader(Hyperparameters.Empty, a.Declared);
        var s = Assert.IsType<WarmupConstantSchedule>(LearningRateSchedule.FromHyperparameters(h, 1000));
        Assert.Equal(15, s.WarmupSteps);
        Assert.Equal(0.0025 / 15, s.At(0), 1e-18);
        Assert.Equal(0.0025, s.At(14), 1e-18);
        Assert.Equal(0.0025, s.At(100000));
    }

    [Theory]
    [InlineData("lr_schedule", "linear", "schedule_free_adamw: lr_schedule = \"linear\" must be one of warmup_constant|warmup_cosine|constant")]
    [InlineData("r", -1.0, "schedule_free_adamw: r = -1 must be a number in [0, inf]")]
    [InlineData("weight_lr_power", "two", "schedule_free_adamw: weight_lr_power = \"two\" must be a number in [0, inf]")]
    [InlineData("beta2", 1.0, "beta2 must be in [0, 1) (got 1)")]
    public void InvalidHyperparametersFailAtInitNamingTheField(string field, object value, string message)
    {
        var ps = Parameters();
        var bad = new Hyperparameters(new Dictionary<string, object> { [field] = value });
        var e = Assert.ThrowsAny<ArgumentException>(() => Init(ps, bad));
        Assert.Contains(message, e.Message);
        Fixtures.DisposeAll(ps);
    }
}
