using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>research/optimizers.md §9 identity 8 (adaptive criterion counts) and the failure fallback, float64.</summary>
public sealed class PurifiedShampooTests
{
    private static IReadOnlyDictionary<string, double> Run(ShampooConfig config, double[][] grads, long[] shape)
    {
        var w = Fixtures.Param("w", shape);
        using var opt = new ShampooDriver([w], config);
        foreach (var g in grads)
        {
            Fixtures.SetGrad(w, g);
            opt.Step(0.01);
        }

        w.Tensor.Dispose();
        return opt.Diagnostics();
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.0, true)]
    [InlineData(1.0, false)]
    [InlineData(1.0, true)]
    public void ToleranceZeroAlwaysRefreshesAndToleranceOneNever(double tau, bool eigh)
    {
        // F = 2, S = 2 over 7 steps: amortized steps t = 2, 4, 6 → 3 checks per factor; (3, 4) has factors L and R.
        var config = ShampooConfig.Purified(preconditionFrequency: 2, maxPreconditionerDim: 4, tolerance: tau, maxIterations: 3, useEigh: eigh);
        var d = Run(config, ShampooTestKit.RandomVectors(7, 12, 31), [3, 4]);
        Assert.Equal(6, d["eigen/checks"]);
        Assert.Equal(tau == 0 ? 6 : 0, d["eigen/refreshes"]);
        Assert.Equal(tau == 0 ? 3 : 0, d["factor/w/0/L/refreshes"]);
        Assert.Equal(tau == 0 ? 3 : 0, d["factor/w/0/R/refreshes"]);
        Assert.Equal(tau == 0 && !eigh ? 2 * 3 * 3 : 0, d["eigen/qr_iterations"]);
        Assert.True(d["eigen/amortized_seconds"] >= 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ARotatingLeftSpectrumRefreshesOnlyL(bool eigh)
    {
        // G_t = U(θ_t)·diag(3, 1)·V₀ᵀ with V₀ fixed: GᵀG = V₀·diag(9, 1)·V₀ᵀ for every t, so R's eigenbasis never moves
        // (after the first refresh B = QᵀRQ is diagonal to rounding, far below τ = 0.1), while GGᵀ = U(θ_t)·diag(9, 1)·U(θ_t)ᵀ
        // turns by 0.6 rad per step and the EMA (β2 = 0.5) follows it: L fails the test at every check.
        const int steps = 6;
        double c0 = Math.Cos(0.4), s0 = Math.Sin(0.4);
        var grads = new double[steps][];
        for (int t = 0; t < steps; t++)
        {
            double th = 0.6 * (t + 1), c = Math.Cos(th), s = Math.Sin(th);
            double[,] u = { { c, -s }, { s, c } }, sv = { { 3, 0 }, { 0, 1 } }, v = { { c0, -s0 }, { s0, c0 } };
            var g = new double[4];
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    for (int k = 0; k < 2; k++) g[(i * 2) + j] += u[i, k] * sv[k, k] * v[j, k];
                }
            }

            grads[t] = g;
        }

        var config = ShampooConfig.Purified(beta2: 0.5, preconditionFrequency: 1, maxPreconditionerDim: 2, tolerance: 0.1, maxIterations: 50, useEigh: eigh);
        var d = Run(config, grads, [2, 2]);
        Assert.Equal(steps, d["factor/w/0/L/checks"]);
        Assert.Equal(steps, d["factor/w/0/R/checks"]);
        Assert.Equal(steps, d["factor/w/0/L/refreshes"]);
        Assert.Equal(1, d["factor/w/0/R/refreshes"]);
        Assert.True(d["factor/w/0/R/last_criterion"] <= (eigh ? 1e-6 : 0.1), $"R criterion {d["factor/w/0/R/last_criterion"]}");
        Assert.True(d["factor/w/0/L/last_criterion"] > 0.1);
    }

    [Fact]
    public void FixedFrequencyEigenvalueCorrectionReportsItsEigendecompositions()
    {
        // F = 3, S = 3 over 10 steps: t = 3, 6, 9 → 3 eigh per factor, reported under the same keys as purified Shampoo.
        var d = Run(ShampooConfig.EigenvalueCorrected(preconditionFrequency: 3, maxPreconditionerDim: 4), ShampooTestKit.RandomVectors(10, 12, 2), [3, 4]);
        Assert.Equal(6, d["eigen/refreshes"]);
        Assert.Equal(6, d["eigen/checks"]);
        Assert.Equal(0, d["eigen/qr_iterations"]);
    }

    [Fact]
    public void AFailedComputationKeepsTheOldRootIsCountedAndRaisesAfterTheToleratedNumber()
    {
        // A 1e200 gradient makes the summed factor overflow to ∞ (β2 = 1 keeps it there): every later root inverse fails.
        var config = new ShampooConfig(beta1: 0, maxPreconditionerDim: 4, preconditionFrequency: 1, startPreconditioningStep: 1, toleratedFailures: 3);
        var w = Fixtures.Param("w", [3, 4]);
        using var opt = new ShampooDriver([w], config);
        Fixtures.SetGrad(w, ShampooTestKit.RandomVectors(1, 12, 1)[0]);
        opt.Step(0.01);
        using var good = new AlgorithmState();
        opt.Optimizer.Save(good);
        for (int k = 1; k <= 3; k++)
        {
            Fixtures.SetGrad(w, Enumerable.Repeat(k == 1 ? 1e200 : 1.0, 12).ToArray());
            opt.Step(1e-300);
            Assert.Equal(2 * k, opt.Diagnostics()["eigen/failures"]);
        }

        using var after = new AlgorithmState();
        opt.Optimizer.Save(after);
        foreach (string factor in new[] { ".p0.f0.mat", ".p0.f1.mat" })
        {
            string key = good.Tensors.Keys.Single(k => k.EndsWith(factor, StringComparison.Ordinal));
            Assert.Equal(good.Tensors[key].ToArray<double>(), after.Tensors[key].ToArray<double>());
        }
        Fixtures.SetGrad(w, Enumerable.Repeat(1.0, 12).ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step(1e-300));
        Assert.Contains("4 consecutive amortized computations failed (tolerated: 3)", e.Message);
        w.Tensor.Dispose();
    }
}
