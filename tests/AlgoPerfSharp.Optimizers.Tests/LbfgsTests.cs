using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.QuasiNewton;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Progressive-batching L-BFGS: the two-loop recursion against the explicit BFGS inverse update in float64, finite
/// termination on a quadratic with exact line searches, the inner-product test growing the sample on a constructed
/// case, the line search's sufficient decrease, a checkpoint round trip, and the one-line refusal of a sample past
/// one epoch.
/// </summary>
public sealed class LbfgsTests
{
    private const int N = 6;

    /// <summary>A symmetric positive definite 6×6 matrix with eigenvalues spread over [1, 60].</summary>
    private static double[,] Spd()
    {
        var a = new double[N, N];
        double[] eig = [1, 2, 5, 11, 30, 60];
        // Q = a Householder reflection I − 2vvᵀ/vᵀv, so A = Q diag(eig) Q
        double[] v = [1, -2, 0.5, 3, -1, 2];
        double vv = v.Sum(x => x * x);
        var q = new double[N, N];
        for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) q[i, j] = (i == j ? 1 : 0) - (2 * v[i] * v[j] / vv);
        for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) for (int k = 0; k < N; k++) a[i, j] += q[i, k] * eig[k] * q[j, k];
        return a;
    }

    private static double[] MatVec(double[,] m, double[] x) => Enumerable.Range(0, N).Select(i => Enumerable.Range(0, N).Sum(j => m[i, j] * x[j])).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static Tensor T(double[] x) => Tensor.From<double>(x);

    /// <summary>H by the explicit BFGS inverse update from H₀ = γI (γ of the newest pair), oldest pair first.</summary>
    private static double[,] ExplicitInverse(IReadOnlyList<(double[] S, double[] Y)> pairs)
    {
        var (sl, yl) = pairs[^1];
        double gamma = Dot(sl, yl) / Dot(yl, yl);
        var h = new double[N, N];
        for (int i = 0; i < N; i++) h[i, i] = gamma;
        foreach (var (s, y) in pairs)
        {
            double rho = 1 / Dot(s, y);
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
            var left = new double[N, N];
            for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) left[i, j] = (i == j ? 1 : 0) - (rho * s[i] * y[j]);
            var lh = new double[N, N];
            for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) for (int k = 0; k < N; k++) lh[i, j] += left[i, k] * h[k, j];
            var next = new double[N, N];
            for (int i = 0; i < N; i++) for (int j = 0; j < N; j++)
            {
                for (int k = 0; k < N; k++) next[i, j] += lh[i, k] * left[j, k];
                next[i, j] += rho * s[i] * s[j];
            }

            h = next;
        }

        return h;
    }

    [Theory]
    [InlineData(10, 5)] // memory holds every pair
    [InlineData(3, 5)]  // memory 3 of 5 pairs: only the newest three count
    public void TheTwoLoopRecursionEqualsTheExplicitBfgsInverse(int memory, int pairs)
    {
        using var scope = new DisposeScope();
        var a = Spd();
        var rng = new Random(3);
        var all = new List<(double[] S, double[] Y)>();
        using var history = new LbfgsHistory(memory);
        for (int k = 0; k < pairs; k++)
        {
            double[] s = Enumerable.Range(0, N).Select(_ => rng.NextDouble() - 0.5).ToArray();
            double[] y = MatVec(a, s);                                  // sᵀy = sᵀAs > 0
            all.Add((s, y));
            Assert.True(history.TryAdd(T(s), T(y)));
        }

        Assert.Equal(Math.Min(memory, pairs), history.Count);
        var h = ExplicitInverse(all.Skip(Math.Max(0, pairs - memory)).ToList());
        double[] v = [0.3, -1, 2, 0.7, -0.2, 1.1];
        double[] expected = MatVec(h, v);
        double[] got = history.Apply(T(v)).ToArray<double>();
        for (int i = 0; i < N; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"[{i}] {got[i]:R} vs {expected[i]:R}");
    }

    /// <summary>The textbook two-loop recursion (Nocedal &amp; Wright, Algorithm 7.4) in float64 over the pairs, oldest first.</summary>
    private static double[] TextbookTwoLoop(IReadOnlyList<(double[] S, double[] Y)> pairs, double[] v)
    {
        var q = (double[])v.Clone();
        var alpha = new double[pairs.Count];
        for (int i = pairs.Count - 1; i >= 0; i--)
        {
            var (s, y) = pairs[i];
            alpha[i] = Dot(s, q) / Dot(s, y);
            for (int j = 0; j < q.Length; j++) q[j] -= alpha[i] * y[j];
        }

        if (pairs.Count > 0)
        {
            var (s, y) = pairs[^1];
            double gamma = Dot(s, y) / Dot(y, y);
            for (int j = 0; j < q.Length; j++) q[j] *= gamma;
        }

        for (int i = 0; i < pairs.Count; i++)
        {
            var (s, y) = pairs[i];
            double beta = Dot(y, q) / Dot(s, y);
            for (int j = 0; j < q.Length; j++) q[j] += (alpha[i] - beta) * s[j];
        }

        return q;
    }

    private static Tensor T(double[] x, DType dtype) => dtype == DType.Float64 ? Tensor.From<double>(x) : Tensor.From<float>(x.Select(v => (float)v).ToArray());

    private static double[] Values(Tensor t) => t.DType == DType.Float64 ? t.ToArray<double>() : [.. t.ToArray<float>().Select(v => (double)v)];

    [Theory]
    [InlineData(DType.Float64, 1e-13)]
    [InlineData(DType.Float32, 2e-6)]
    public void TheCompactTwoLoopMatchesTheTextbookLoopThroughWrapAround(DType dtype, double tolerance)
    {
        // memory 3 and 8 pairs of 9000 elements (more than one 8192-element block of the kernels), y = D s + noise with
        // D in [1, 7] (sᵀy > 0): after each kept pair H·v against the textbook loop over the newest three pairs (the
        // same float32-rounded numbers in float64). Apply is skipped after some pairs, so that one or two pairs at a time
        // are new to the memory's dot products, and one pair is refused. Dropping γ, or applying the pairs in the wrong
        // order, is off by more than 1e-2.
        using var scope = new DisposeScope();
        const int n = 9000;
        var rng = new Random(11);
        double Round(double x) => dtype == DType.Float64 ? x : (float)x;
        double[] Vec() => [.. Enumerable.Range(0, n).Select(_ => Round(rng.NextDouble() - 0.5))];
        using var history = new LbfgsHistory(3);
        var kept = new List<(double[] S, double[] Y)>();
        int checks = 0;
        for (int k = 0; k < 8; k++)
        {
            double[] s = Vec();
            double[] y = [.. s.Select((x, i) => Round((x * (1 + (i % 7))) + (0.01 * (rng.NextDouble() - 0.5))))];
            Assert.True(history.TryAdd(T(s, dtype), T(y, dtype)));
            kept.Add((s, y));
            if (k == 4) Assert.False(history.TryAdd(T(s, dtype), T([.. s.Select(x => -x)], dtype)));
            Assert.Equal(Math.Min(3, k + 1), history.Count);
            if (k % 3 == 1) continue;
            double[] v = Vec();
            double[] expected = TextbookTwoLoop([.. kept.TakeLast(3)], v);
            double[] got = Values(history.Apply(T(v, dtype)));
            double err = Math.Sqrt(got.Zip(expected, (a, b) => (a - b) * (a - b)).Sum() / Dot(expected, expected));
            Assert.True(err <= tolerance, $"pair {k}: relative error {err:G3} > {tolerance:G3}");
            checks++;
        }

        Assert.Equal(5, checks);
    }

    [Fact]
    public void ACheckpointOfAFullMemoryResumesWithTheSameBits()
    {
        // the memory's dot products are not saved: Load takes them again and must get the same bits, so H·v is equal
        using var scope = new DisposeScope();
        var rng = new Random(5);
        double[] Vec() => [.. Enumerable.Range(0, 300).Select(_ => rng.NextDouble() - 0.5)];
        using var history = new LbfgsHistory(2);
        for (int k = 0; k < 3; k++)
        {
            double[] s = Vec();
            Assert.True(history.TryAdd(T(s, DType.Float32), T([.. s.Select((x, i) => x * (2 + (i % 3)))], DType.Float32)));
            if (k == 1) history.Apply(T(Vec(), DType.Float32));
        }

        var v = T(Vec(), DType.Float32);
        using var state = new AlgorithmState();
        history.Save(state, "m");
        using var resumed = new LbfgsHistory(2);
        resumed.Load(state, "m");
        Assert.Equal(history.Apply(v).ToArray<float>(), resumed.Apply(v).ToArray<float>());
    }

    [Fact]
    public void APairWithoutPositiveCurvatureIsNotKept()
    {
        using var scope = new DisposeScope();
        using var history = new LbfgsHistory(5);
        Assert.False(history.TryAdd(T([1, 0, 0, 0, 0, 0]), T([-1, 0, 0, 0, 0, 0])));
        Assert.False(history.TryAdd(T([1, 0, 0, 0, 0, 0]), T([0, 1, 0, 0, 0, 0])));
        Assert.Equal(0, history.Count);
        Assert.Equal([2.0, -1, 0, 0, 0, 0], history.Apply(T([2, -1, 0, 0, 0, 0])).ToArray<double>()); // H = I
    }

    [Fact]
    public void OnAQuadraticWithExactLineSearchesItConvergesInAtMostNPlusOneSteps()
    {
        // f(x) = ½ xᵀAx − bᵀx: with exact steps α = −gᵀp / pᵀAp and y = A·s, L-BFGS (m ≥ n) produces A-conjugate
        // directions (those of conjugate gradients), so g = 0 after at most n = 6 steps.
        using var scope = new DisposeScope();
        var a = Spd();
        double[] b = [1, -2, 3, 0.5, -1, 2];
        double[] x = new double[N];
        using var history = new LbfgsHistory(10);
        int steps = 0;
        double[] g = MatVec(a, x).Zip(b, (ax, bi) => ax - bi).ToArray();
        double g0 = Math.Sqrt(Dot(g, g));
        while (Math.Sqrt(Dot(g, g)) > 1e-10 * g0 && steps <= N + 1)
        {
            double[] p = history.Apply(T(g)).Neg().ToArray<double>();
            double alpha = -Dot(g, p) / Dot(p, MatVec(a, p));
            double[] s = p.Select(pi => alpha * pi).ToArray();
            for (int i = 0; i < N; i++) x[i] += s[i];
            double[] next = MatVec(a, x).Zip(b, (ax, bi) => ax - bi).ToArray();
            history.TryAdd(T(s), T(next.Zip(g, (u, w) => u - w).ToArray()));
            g = next;
            steps++;
        }

        Assert.True(steps <= N + 1, $"{steps} steps, ‖g‖ = {Math.Sqrt(Dot(g, g)):G3}");
        Assert.True(steps >= N - 1, $"converged in {steps} steps: the problem is too easy to test termination");
    }

    /// <summary>
    /// A step's oracle over f(x) = ½ Σ aᵢ(xᵢ − cᵢ)² on one float64 parameter of 4: groups' gradients are g ± d
    /// (alternating; g alone for an odd count), so their mean is g; it records the batches drawn. A batch holds 16 examples.
    /// </summary>
    private sealed class FakeOracle(ModelParameter p, double[] a, double[] d) : IStepOracle
    {
        private static readonly double[] C = [1, -1, 2, 0.5];
        private int _batches = 1;

        public List<int> Drawn { get; } = [];

        public int Examples => 16 * _batches;

        private double[] X => p.Tensor.ToArray<double>();

        private double[] G => X.Select((x, i) => a[i] * (x - C[i])).ToArray();

        public double Loss() => 0.5 * X.Select((x, i) => a[i] * (x - C[i]) * (x - C[i])).Sum();

        public double LossAndGradients()
        {
            Fixtures.SetGrad(p, G);
            return Loss();
        }

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
        {
            double[] g = G;
            var result = new List<SubBatchGradients>();
            for (int j = 0; j < groups; j++)
            {
                double sign = groups % 2 == 0 ? (j % 2 == 0 ? 1 : -1) : 0;
                result.Add(new SubBatchGradients(Loss(), Examples / groups, [T(g.Zip(d, (gi, di) => gi + (sign * di)).ToArray())]));
            }

            Fixtures.SetGrad(p, g);
            return result;
        }

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets) => throw new NotSupportedException();

        public int DrawMoreData(int batches)
        {
            Drawn.Add(batches);
            _batches += batches;
            return Examples;
        }
    }

    private static readonly double[] Ones = [1, 1, 1, 1];
    private static readonly double[] Curved = [1, 3, 10, 0.5];

    private static WorkloadInfo Workload => new("test_quadratic", LossType.MeanSquaredError, 100, 3600, 1_000_000, 16);

    private static Hyperparameters Point(double theta = 0.9, int maxBatches = 64, double step = 1, int memory = 10) => new(new Dictionary<string, object>
    {
        ["theta"] = theta, ["variance_groups"] = 2.0, ["max_batches"] = (double)maxBatches, ["learning_rate"] = step, ["memory"] = (double)memory,
    });

    private static (LbfgsRun Run, FakeOracle[] Oracles) Run(ModelParameter p, Hyperparameters h, double[] a, double[] d, int steps, LbfgsRun? run = null)
    {
        run ??= (LbfgsRun)new ProgressiveBatchingLbfgs().Init(new AlgorithmInitContext([p], h, Workload, 0));
        var oracles = new FakeOracle[steps];
        for (int t = 0; t < steps; t++)
        {
            using var scope = new DisposeScope();
            oracles[t] = new FakeOracle(p, a, d);
            run.Update(new StepContext(t, [p], Workload, 0, [], oracles[t]));
        }

        return (run, oracles);
    }

    [Fact]
    public void TheInnerProductTestGrowsTheSampleByItsRatio()
    {
        // x = 0: g = a⊙(−c) = (−1, 3, −20, −0.25), ‖g‖² = 410.0625. Two groups g ± d with d = (0, 0, 30, 0) and H = I on
        // the first step: v = ‖g‖² ± dᵀg = 410.0625 ∓ 600, sample variance 2·600², so with θ = 0.5
        // R = 720000 / (2 · 0.25 · 410.0625²) = 8.5638: the next sample is ⌈8.5638 · 16 / 16⌉ = 9 batches (8 drawn).
        double r = InnerProductTest.Ratio([410.0625 - 600, 410.0625 + 600], 410.0625, 0.5);
        Assert.Equal(720000 / (2 * 0.25 * 410.0625 * 410.0625), r, 12);
        Assert.Equal(9, InnerProductTest.NextBatches(r, 1, 16, 16, 64));

        var p = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var (run, oracles) = Run(p, Point(theta: 0.5), Curved, [0, 0, 30, 0], 2);
        Assert.Empty(oracles[0].Drawn);
        Assert.Equal([8], oracles[1].Drawn);
        Assert.Equal([16, 144], run.SampleSizes);
        run.Dispose();

        // groups that agree (d = 0): the variance is 0 and the sample never grows
        var q = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var (flat, flatOracles) = Run(q, Point(theta: 0.5), Curved, [0, 0, 0, 0], 4);
        Assert.All(flatOracles, o => Assert.Empty(o.Drawn));
        Assert.Equal([16, 16, 16, 16], flat.SampleSizes);
        flat.Dispose();

        // a tiny θ asks for more than max_batches: the sample stops at the cap, and never shrinks
        var s = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var (capped, cappedOracles) = Run(s, Point(theta: 1e-3, maxBatches: 5), Curved, [0, 0, 30, 0], 3);
        Assert.Equal([4], cappedOracles[1].Drawn);
        Assert.Equal([4], cappedOracles[2].Drawn);
        Assert.Equal(5, capped.Diagnostics()["lbfgs/batches"]);
        capped.Dispose();
        Fixtures.DisposeAll([p, q, s]);
    }

    [Fact]
    public void TheLineSearchBacktracksToSufficientDecreaseAndTheIterationConverges()
    {
        // a = 1, α₀ = 4, p = −g = c − x from x = 0: F(4c) = 9F(0) fails, F(2c) = F(0) fails Armijo (no decrease),
        // F(c) = 0 passes: two backtracks, step length 1, and x = c exactly.
        var p = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var (run, _) = Run(p, Point(step: 4), Ones, [0, 0, 0, 0], 1);
        Assert.Equal([1.0], run.StepLengths);
        Assert.Equal(2, run.Diagnostics()["lbfgs/backtracks_per_step"]);
        Assert.Equal([1.0, -1, 2, 0.5], Fixtures.Values(p));
        run.Dispose();

        // curvatures 0.5…10: the loss falls below 1e-12 of its start within 12 steps (gradient descent with the same
        // search would not get near: its rate on condition number 20 is about 0.9 per step), each step decreasing it
        var q = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var probe = new FakeOracle(q, Curved, [0, 0, 0, 0]);
        double f0 = probe.Loss(), last = f0;
        using var curved = (LbfgsRun)new ProgressiveBatchingLbfgs().Init(new AlgorithmInitContext([q], Point(), Workload, 0));
        for (int t = 0; t < 12; t++)
        {
            Run(q, Point(), Curved, [0, 0, 0, 0], 1, curved);
            double f = probe.Loss();
            Assert.True(f <= last, $"step {t + 1}: {f} > {last}");
            last = f;
        }

        Assert.True(last < 1e-12 * f0, $"loss {f0} → {last}");
        Fixtures.DisposeAll([p, q]);
    }

    [Fact]
    public void ACheckpointResumesIdentically()
    {
        var h = Point(memory: 2);
        double[] d = [0.5, 0.2, 0, 0];
        var p1 = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var (run1, _) = Run(p1, h, Curved, d, 3);
        using var state = run1.SaveState();
        double[] saved = Fixtures.Values(p1);
        Run(p1, h, Curved, d, 3, run1);

        var p2 = Fixtures.Param("x", saved);
        var run2 = (LbfgsRun)new ProgressiveBatchingLbfgs().Init(new AlgorithmInitContext([p2], h, Workload, 0));
        run2.LoadState(state);
        Run(p2, h, Curved, d, 3, run2);
        Assert.Equal(Fixtures.Values(p1), Fixtures.Values(p2));
        Assert.NotEqual(saved, Fixtures.Values(p2));
        run1.Dispose();
        run2.Dispose();
        Fixtures.DisposeAll([p1, p2]);
    }

    [Fact]
    public void ASamplePastOneEpochIsRefusedAtInitInOneLine()
    {
        var p = Fixtures.Param("x", [0.0, 0, 0, 0]);
        var small = Workload with { NumTrainExamples = 1000 };
        var e = Assert.Throws<ArgumentException>(() =>
            new ProgressiveBatchingLbfgs().Init(new AlgorithmInitContext([p], Hyperparameters.Empty, small, 0)));
        Assert.Equal("pb_lbfgs: max_batches = 64 lets a step's sample reach 1024 examples, past one epoch of test_quadratic (1000); set max_batches ≤ 62", e.Message);
        var bad = Assert.ThrowsAny<ArgumentException>(() =>
            new ProgressiveBatchingLbfgs().Init(new AlgorithmInitContext([p], new(new Dictionary<string, object> { ["initial_batches"] = 8.0, ["max_batches"] = 4.0 }), Workload, 0)));
        Assert.Equal("max_batches must be ≥ initial_batches (8) (got 4)", bad.Message);
        Fixtures.DisposeAll([p]);
    }
}
