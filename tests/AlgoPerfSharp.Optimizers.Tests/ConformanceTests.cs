using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Every built-in algorithm fed whole-batch gradients × {the <see cref="ConformanceTable{TTable}"/> theories (converges,
/// checkpoint round trip, determinism, no leak, dtype kept), NaN guard, grad_clip}.
/// </summary>
public sealed class ConformanceTests : ConformanceTable<ConformanceTests>, IConformanceTable
{
    public static TheoryData<string> Names => new() { "adamw", "nadamw", "sgd_nesterov", "shampoo", "ec_shampoo", "soap", "purified_shampoo", "muon", "asgo", "dasgo", "schedule_free_adamw" };

    private static ITrainingAlgorithm Create(string name) => name switch
    {
        "adamw" => new AdamW(),
        "nadamw" => new NAdamW(),
        "sgd_nesterov" => new SgdNesterov(),
        "muon" => new Muon(),
        "shampoo" => new Shampoo(),
        "ec_shampoo" => new EcShampoo(),
        "soap" => new Soap(),
        "purified_shampoo" => new PurifiedShampoo(),
        "asgo" => new Asgo(),
        "dasgo" => new Dasgo(),
        "schedule_free_adamw" => new ScheduleFreeAdamW(),
        _ => throw new ArgumentException(name),
    };

    private static Hyperparameters Tuned(string name) => name switch
    {
        "sgd_nesterov" => new(new Dictionary<string, object> { ["learning_rate"] = 0.015, ["one_minus_beta1"] = 0.1, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05 }),
        "muon" => new(new Dictionary<string, object> { ["learning_rate"] = 0.1, ["one_minus_beta1"] = 0.1, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05, ["adam_learning_rate"] = 0.05, ["adam_beta2"] = 0.99 }),
        "shampoo" => new(new Dictionary<string, object>
        {
            ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["one_minus_beta2"] = 0.01, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05,
            ["precondition_frequency"] = 5.0,
        }),
        "ec_shampoo" or "soap" => new(new Dictionary<string, object>
        {
            ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05,
            ["precondition_frequency"] = 5.0,
        }),
        "purified_shampoo" => new(new Dictionary<string, object>
        {
            ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05,
            ["precondition_frequency"] = 5.0,

            // The quadratic's rank-one gradients make τ = 0.1 keep a poor basis for long: a tighter τ converges in 200 steps.
            ["eigen_tolerance"] = 0.01,
        }),
        "asgo" or "dasgo" => new(new Dictionary<string, object> { ["learning_rate"] = 0.1, ["one_minus_beta1"] = 0.1, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05 }),
        "schedule_free_adamw" => new(new Dictionary<string, object> { ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05 }),
        _ => new(new Dictionary<string, object> { ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05 }),
    };

    private protected override ITrainingRun Init(string name, Fixtures.Quadratic q) =>
        Create(name).Init(new AlgorithmInitContext(q.Parameters, Tuned(name), Fixtures.Workload(200), 0));

    // measured as an evaluation sees it (Schedule-Free: the average x)
    private protected override void PrepareForEval(ITrainingRun run, Fixtures.Quadratic q, int step) => run.PrepareForEval(q.Step(step));

    private protected override void Steps(ITrainingRun run, Fixtures.Quadratic q, int from, int count)
    {
        for (int s = from; s < from + count; s++)
        {
            using var scope = new DisposeScope();
            run.Update(q.Step(s));
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ANonFiniteGradientSkipsTheStepWithoutTouchingState(string name)
    {
        using var q = new Fixtures.Quadratic();
        using var run = Init(name, q);
        Steps(run, q, 0, 3);
        using var before = run.SaveState();
        var paramsBefore = q.Parameters.Select(p => p.Tensor.ToArray<double>()).ToArray();
        using (var scope = new DisposeScope())
        {
            run.Update(new StepContext(3, q.Parameters, Fixtures.Workload(200), 0, [], () =>
            {
                q.LossAndGrads();
                using var nan = Tensor.Full([3], double.NaN, DType.Float64);
                q.Parameters[1].Tensor.Grad = nan;
                return double.NaN;
            }));
        }

        Assert.Equal(1, run.Diagnostics()["skipped_nonfinite_steps"]);
        using var after = run.SaveState();
        foreach (var (key, value) in before.Values.Where(kv => !kv.Key.EndsWith(".skipped", StringComparison.Ordinal))) Assert.Equal(value, after.Values[key]);
        foreach (var (key, t) in before.Tensors) Assert.Equal(t.ToArray<double>(), after.Tensors[key].ToArray<double>());
        for (int i = 0; i < paramsBefore.Length; i++) Assert.Equal(paramsBefore[i], q.Parameters[i].Tensor.ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GradClipBoundsTheUpdate(string name)
    {
        // grad_clip = c: the recipe sees the gradients scaled by min(1, c/(‖g‖ + 1e-6)) (PyTorch's clip_grad_norm_), so
        // a run with c = 1e-6 — far below the quadratic's gradient norms — equals an unclipped run fed those clipped
        // gradients, and differs from the plain run (ε terms and learning rates are not scale-free at that size).
        const double clip = 1e-6;
        var values = new Dictionary<string, object>(Tuned(name).Values) { ["grad_clip"] = clip };
        using var q1 = new Fixtures.Quadratic();
        using var q2 = new Fixtures.Quadratic();
        using var q3 = new Fixtures.Quadratic();
        using var clipped = Create(name).Init(new AlgorithmInitContext(q1.Parameters, new Hyperparameters(values), Fixtures.Workload(200), 0));
        using var fed = Init(name, q2);
        using var plain = Init(name, q3);
        for (int s = 0; s < 12; s++)
        {
            using var scope = new DisposeScope();
            clipped.Update(q1.Step(s));
            plain.Update(q3.Step(s));
            fed.Update(new StepContext(s, q2.Parameters, Fixtures.Workload(200), 0, [], () =>
            {
                double loss = q2.LossAndGrads();
                var grads = q2.Parameters.Select(p => p.Tensor.Grad!).ToArray();
                double scale = clip / (ClipByGlobalNorm.GlobalNorm(grads) + 1e-6);
                Assert.True(scale < 1);
                foreach (var g in grads) g.MulInPlace(scale);
                return loss;
            }));
        }

        double plainDifference = 0;
        for (int i = 0; i < q1.Parameters.Count; i++)
        {
            double[] c = q1.Parameters[i].Tensor.ToArray<double>(), f = q2.Parameters[i].Tensor.ToArray<double>(), p = q3.Parameters[i].Tensor.ToArray<double>();
            for (int k = 0; k < c.Length; k++)
            {
                Assert.True(Math.Abs(c[k] - f[k]) <= 1e-10 * Math.Max(1, Math.Abs(f[k])), $"{name}: parameter {i}[{k}] {c[k]:R} with grad_clip vs {f[k]:R} fed clipped gradients");
                plainDifference = Math.Max(plainDifference, Math.Abs(c[k] - p[k]) / Math.Max(1e-12, Math.Abs(p[k])));
            }
        }

        Assert.True(plainDifference > 1e-6, $"{name}: grad_clip changed nothing (max relative difference {plainDifference:R})");
    }

    [Fact]
    public void InvalidHyperparametersFailAtInitNamingTheField()
    {
        using var q = new Fixtures.Quadratic();
        var bad = new Hyperparameters(new Dictionary<string, object> { ["learning_rate"] = 0.0 });
        var e = Assert.ThrowsAny<ArgumentException>(() => new AdamW().Init(new AlgorithmInitContext(q.Parameters, bad, Fixtures.Workload(), 0)));
        Assert.Contains("learning_rate must be a finite number > 0 (got 0)", e.Message);
        var badBeta = new Hyperparameters(new Dictionary<string, object> { ["beta2"] = 1.0 });
        Assert.Contains("beta2 must be in [0, 1) (got 1)", Assert.ThrowsAny<ArgumentException>(() => new NAdamW().Init(new AlgorithmInitContext(q.Parameters, badBeta, Fixtures.Workload(), 0))).Message);
        Assert.Contains("eps must be ≥ 0", Assert.Throws<ArgumentException>(() => new ScaleByAdam(eps: -1)).Message);
        Assert.Contains("momentum must be in [0, 1)", Assert.Throws<ArgumentException>(() => new ScaleByMomentum(1.5, true)).Message);
    }
}
