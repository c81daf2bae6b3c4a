using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>research/optimizers.md §9 identities 1–2 (AdamW, NAdamW) and SGD-Nesterov, in float64.</summary>
public sealed class IdentityTests
{
    private static readonly double[] W0 = [0.5, -1.25, 2.0, 0.0];
    private static readonly double[] G = [0.3, -0.002, 4.0, -1e-3];

    [Fact]
    public void AdamWFirstStepIsSignDescentWithDecoupledDecay()
    {
        const double lr = 0.01, wd = 0.1, eps = 1e-8;
        var p = Fixtures.Param("w", W0);
        using var opt = new TransformOptimizer([p], Fixtures.Adam(lr, 0.9, 0.999, eps, wd));
        Fixtures.SetGrad(p, G);
        opt.Step();
        var got = Fixtures.Values(p);
        for (int i = 0; i < W0.Length; i++)
        {
            double expected = (W0[i] * (1 - (lr * wd))) - (lr * G[i] / (Math.Abs(G[i]) + eps));
            Assert.Equal(expected, got[i], 1e-15);
        }

        p.Tensor.Dispose();
    }

    /// <summary>A scalar transcription of torch.optim.AdamW's algorithm box.</summary>
    private static double[] ReferenceAdamW(double[] w, double[][] grads, double lr, double b1, double b2, double eps, double wd, bool nadam = false)
    {
        var x = (double[])w.Clone();
        var m = new double[x.Length];
        var v = new double[x.Length];
        for (int t = 1; t <= grads.Length; t++)
        {
            var g = grads[t - 1];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] *= 1 - (lr * wd);
                m[i] = (b1 * m[i]) + ((1 - b1) * g[i]);
                v[i] = (b2 * v[i]) + ((1 - b2) * g[i] * g[i]);
                double num = nadam ? (b1 * m[i]) + ((1 - b1) * g[i]) : m[i];
                double denom = (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t))) + eps;
                x[i] -= lr / (1 - Math.Pow(b1, t)) * num / denom;
            }
        }

        return x;
    }

    private static double[][] RandomGrads(int steps, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2) - 1).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TenStepsMatchTheReferenceFormula(bool nadam)
    {
        const double lr = 3e-3, b1 = 0.9, b2 = 0.99, eps = 1e-8, wd = 0.05;
        var grads = RandomGrads(10, W0.Length, 7);
        var p = Fixtures.Param("w", W0);
        using var opt = new TransformOptimizer([p], Fixtures.Adam(lr, b1, b2, eps, wd, nadam));
        foreach (var g in grads)
        {
            Fixtures.SetGrad(p, g);
            opt.Step();
        }

        var expected = ReferenceAdamW(W0, grads, lr, b1, b2, eps, wd, nadam);
        var got = Fixtures.Values(p);
        for (int i = 0; i < W0.Length; i++) Assert.Equal(expected[i], got[i], 1e-12);
        p.Tensor.Dispose();
    }

    [Fact]
    public void NAdamWFirstStepHasTheOnePlusBeta1Factor()
    {
        const double lr = 0.01, wd = 0.2, eps = 1e-8, b1 = 0.973;
        var p = Fixtures.Param("w", W0);
        using var opt = new TransformOptimizer([p], Fixtures.Adam(lr, b1, 0.999, eps, wd, nesterov: true));
        Fixtures.SetGrad(p, G);
        opt.Step();
        var got = Fixtures.Values(p);
        for (int i = 0; i < W0.Length; i++)
        {
            double expected = (W0[i] * (1 - (lr * wd))) - (lr * (1 + b1) * G[i] / (Math.Abs(G[i]) + eps));
            Assert.Equal(expected, got[i], 1e-14);
        }

        p.Tensor.Dispose();
    }

    [Fact]
    public void NAdamWWithBeta1ZeroEqualsAdamWWithBeta1Zero()
    {
        var grads = RandomGrads(6, W0.Length, 3);
        var a = Fixtures.Param("a", W0);
        var b = Fixtures.Param("b", W0);
        using var adam = new TransformOptimizer([a], Fixtures.Adam(1e-2, 0, 0.999, 1e-8, 0.1));
        using var nadam = new TransformOptimizer([b], Fixtures.Adam(1e-2, 0, 0.999, 1e-8, 0.1, nesterov: true));
        foreach (var g in grads)
        {
            Fixtures.SetGrad(a, g);
            Fixtures.SetGrad(b, g);
            adam.Step();
            nadam.Step();
            Assert.Equal(Fixtures.Values(a), Fixtures.Values(b));
        }

        a.Tensor.Dispose();
        b.Tensor.Dispose();
    }

    [Fact]
    public void NAdamWWithConstantGradientHasTheDerivedStepSize()
    {
        // For constant G, v̂ = G² exactly, and the step-t update is −η·(1−β1^{t+1})/(1−β1^t)·G/(|G|+ε).
        const double lr = 1e-3, b1 = 0.9, eps = 1e-8;
        double[] g = [0.5, -2.0];
        var p = Fixtures.Param("w", [0.0, 0.0]);
        using var opt = new TransformOptimizer([p], Fixtures.Adam(lr, b1, 0.999, eps, 0, nesterov: true));
        double[] prev = [0.0, 0.0];
        for (int t = 1; t <= 5; t++)
        {
            Fixtures.SetGrad(p, g);
            opt.Step();
            var now = Fixtures.Values(p);
            double factor = (1 - Math.Pow(b1, t + 1)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < g.Length; i++)
            {
                Assert.Equal(-lr * factor * g[i] / (Math.Abs(g[i]) + eps), now[i] - prev[i], 1e-15);
            }

            prev = now;
        }

        p.Tensor.Dispose();
    }

    [Fact]
    public void SgdNesterovMatchesPyTorchsFormulaWithCoupledDecay()
    {
        const double lr = 0.1, mu = 0.9, wd = 0.01;
        var grads = RandomGrads(4, W0.Length, 11);
        var p = Fixtures.Param("w", W0);
        using var opt = new TransformOptimizer([p], new Chain(
            new AddDecayedWeights(wd), new ScaleByMomentum(mu, nesterov: true), new ScaleByLearningRate(new ConstantSchedule(lr))));
        var x = (double[])W0.Clone();
        var buf = new double[x.Length];
        foreach (var g in grads)
        {
            Fixtures.SetGrad(p, g);
            opt.Step();
            for (int i = 0; i < x.Length; i++)
            {
                double d = g[i] + (wd * x[i]);
                buf[i] = (mu * buf[i]) + d;
                x[i] -= lr * (d + (mu * buf[i]));
            }
        }

        var got = Fixtures.Values(p);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i], got[i], 1e-14);
        p.Tensor.Dispose();
    }

    [Fact]
    public void WeightDecayMaskSkipsBiasAndNormParameters()
    {
        var w = Fixtures.Param("w", [1.0], ParameterType.Weight);
        var b = Fixtures.Param("b", [1.0], ParameterType.Bias);
        var n = Fixtures.Param("n", [1.0], ParameterType.NormScale);
        using var opt = new TransformOptimizer([w, b, n], new Chain(
            new AddDecayedWeights(0.5, AddDecayedWeights.ExcludeBiasAndNorm), new ScaleByLearningRate(new ConstantSchedule(0.1))));
        foreach (var p in new[] { w, b, n }) Fixtures.SetGrad(p, [0.0]);
        opt.Step();
        Assert.Equal(0.95, Fixtures.Values(w)[0], 1e-15);
        Assert.Equal(1.0, Fixtures.Values(b)[0]);
        Assert.Equal(1.0, Fixtures.Values(n)[0]);
        Fixtures.DisposeAll([w, b, n]);
    }

    [Fact]
    public void GlobalNormClippingScalesToTheBound()
    {
        var p = Fixtures.Param("w", [0.0, 0.0]);
        using var opt = new TransformOptimizer([p], new Chain(new ClipByGlobalNorm(1.0), new ScaleByLearningRate(new ConstantSchedule(1.0))));
        Fixtures.SetGrad(p, [3.0, 4.0]); // norm 5 → scaled by 1/(5 + 1e-6)
        opt.Step();
        var got = Fixtures.Values(p);
        Assert.Equal(-3.0 / (5 + 1e-6), got[0], 1e-14);
        Assert.Equal(-4.0 / (5 + 1e-6), got[1], 1e-14);
        p.Tensor.Dispose();
    }
}
