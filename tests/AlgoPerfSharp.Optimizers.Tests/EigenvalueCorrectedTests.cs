using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using MathNet.Numerics.LinearAlgebra;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>research/optimizers.md §9 identity 4 (EC ≡ Adam with an identity basis; SOAP on vectors ≡ Adam with ε_eff) and an EC closed form, float64.</summary>
public sealed class EigenvalueCorrectedTests
{
    private static double[] RunMatrix(ShampooConfig config, double lr, double[] w0, double[][] grads, long[] shape, out IReadOnlyDictionary<string, double> diagnostics)
    {
        var w = Fixtures.Param("w", shape, w0);
        using var opt = new ShampooDriver([w], config);
        return RunMatrix(opt, w, lr, grads, out diagnostics);
    }

    private static double[] RunMatrix(SoapConfig config, double lr, double[] w0, double[][] grads, long[] shape, out IReadOnlyDictionary<string, double> diagnostics)
    {
        var w = Fixtures.Param("w", shape, w0);
        using var opt = new ShampooDriver([w], config);
        return RunMatrix(opt, w, lr, grads, out diagnostics);
    }

    private static double[] RunMatrix(ShampooDriver opt, ModelParameter w, double lr, double[][] grads, out IReadOnlyDictionary<string, double> diagnostics)
    {
        foreach (var g in grads)
        {
            Fixtures.SetGrad(w, g);
            opt.Step(lr);
        }

        diagnostics = opt.Diagnostics();
        var r = Fixtures.Values(w);
        w.Tensor.Dispose();
        return r;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void WithAnIdentityBasisEigenvalueCorrectionIsAdam(bool toleranceOne, bool l2)
    {
        // Start = ∞ keeps Q = I; so does eigh with τ = 1 (the criterion always holds, the basis never leaves I).
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.2;
        var config = toleranceOne
            ? ShampooConfig.EigenvalueCorrected(b1, b2, eps, wd, 8, 1, 1, new EigendecompositionConfig(EigendecompositionMethod.Eigh, 1, 1.0))
            : ShampooConfig.EigenvalueCorrected(b1, b2, eps, wd, 8, 1, long.MaxValue, weightDecayType: l2 ? WeightDecayType.L2 : WeightDecayType.Decoupled);
        var w0 = ShampooTestKit.RandomVectors(1, 12, 1)[0];
        var grads = ShampooTestKit.RandomVectors(6, 12, 2);
        var got = RunMatrix(config, lr, w0, grads, [3, 4], out var diag);
        ShampooTestKit.AssertClose(ShampooTestKit.Reference("adam", w0, grads, lr, b1, b2, eps, wd, l2), got, 1e-12);
        Assert.Equal(0, diag["eigen/refreshes"]);
        Assert.Equal(toleranceOne ? 12 : 0, diag["eigen/checks"]); // 6 amortized steps × 2 factors
    }

    [Fact]
    public void OneEigenvalueCorrectedStepOrthogonalisesTheGradient()
    {
        // t = 1, β1 = 0: G̃ = Q_LᵀGQ_R = ±Σ (SVD coordinates), D/bc = G̃², so P = Q_L·sign(G̃)·Q_Rᵀ = U·Vᵀ (thin SVD, MathNet).
        var g = ShampooTestKit.RandomVectors(1, 6, 8)[0];
        var config = ShampooConfig.EigenvalueCorrected(0, 0.999, 1e-8, 0, 3, 1, 1); // blocks ≤ 3: (2, 3) is not merged
        var w = RunMatrix(config, 1, new double[6], [g], [2, 3], out var diag);
        var svd = Matrix<double>.Build.DenseOfRowMajor(2, 3, g).Svd(computeVectors: true);
        var uvt = svd.U * svd.VT.SubMatrix(0, 2, 0, 3);
        ShampooTestKit.AssertClose(Enumerable.Range(0, 6).Select(i => uvt[i / 3, i % 3]).ToArray(), w.Select(x => -x).ToArray(), 1e-6);
        Assert.Equal(2, diag["eigen/refreshes"]);
    }

    [Fact]
    public void SoapOnAVectorIsAdamWithScaledEpsilonAndDecayAfterTheStep()
    {
        const double lr = 0.01, b1 = 0.95, b2 = 0.95, eps = 1e-3, wd = 0.1;
        var config = new SoapConfig(b1, b2, eps, wd, preconditionFrequency: 2);
        var w0 = ShampooTestKit.RandomVectors(1, 5, 3)[0];
        var grads = ShampooTestKit.RandomVectors(6, 5, 4);
        var p = Fixtures.Param("b", [5], w0, ParameterType.Bias);
        using var opt = new ShampooDriver([p], config);
        Fixtures.SetGrad(p, grads[0]);
        opt.Step(lr);
        Assert.Equal(w0, Fixtures.Values(p)); // call 1 only initialises: SOAP's t stays 0 (the engine counts the call)
        Assert.Equal(1, opt.Optimizer.StepCount);
        for (int k = 1; k < grads.Length; k++)
        {
            Fixtures.SetGrad(p, grads[k]);
            opt.Step(lr);
        }

        // nikhilvyas/SOAP on a vector: G₁ unused; for t ≥ 1 (call t+1): Adam moments, step η·√(1−β2ᵗ)/(1−β1ᵗ)·m/(√v+ε), then w ← w(1 − ηλ).
        var w = (double[])w0.Clone();
        var m = new double[5];
        var v = new double[5];
        for (int t = 1; t < grads.Length; t++)
        {
            for (int i = 0; i < 5; i++)
            {
                double g = grads[t][i];
                m[i] = (b1 * m[i]) + ((1 - b1) * g);
                v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
                w[i] -= lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t)) * m[i] / (Math.Sqrt(v[i]) + eps);
                w[i] *= 1 - (lr * wd);
            }
        }

        ShampooTestKit.AssertClose(w, Fixtures.Values(p), 1e-13);
        p.Tensor.Dispose();
    }

    [Fact]
    public void SoapInsideAPartitionLeavesOnlyItsOwnParametersAloneOnItsInitialisingCall()
    {
        // Partition(SOAP for "w", SGD with η = 0.5 for "b"): call 1 initialises SOAP (w untouched) while b steps;
        // call 2 moves both.
        var schedule = new AlgoPerfSharp.Optimizers.Schedules.ConstantSchedule(0.5);
        var w = Fixtures.Param("w", [2, 2], [1, 2, 3, 4]);
        var b = Fixtures.Param("b", [1, 2, 3], ParameterType.Bias);
        var recipe = new Partition(p => p.Name == "w", ShampooRecipes.Soap(new SoapConfig(), schedule), new ScaleByLearningRate(schedule));
        using var opt = new TransformOptimizer([w, b], recipe);
        Fixtures.SetGrad(w, [1, -1, 2, 0.5]);
        Fixtures.SetGrad(b, [2, 4, 6]);
        Assert.True(opt.Step());
        Assert.Equal([1.0, 2, 3, 4], Fixtures.Values(w));
        Assert.Equal([0.0, 0, 0], Fixtures.Values(b)); // 1 − 0.5·2, 2 − 0.5·4, 3 − 0.5·6
        Fixtures.SetGrad(w, [1, -1, 2, 0.5]);
        Fixtures.SetGrad(b, [2, 4, 6]);
        opt.Step();
        Assert.All(Fixtures.Values(w).Zip([1.0, 2, 3, 4]), x => Assert.NotEqual(x.Second, x.First));
        Assert.Equal([-1.0, -2, -3], Fixtures.Values(b));
        w.Tensor.Dispose();
        b.Tensor.Dispose();
    }

    [Fact]
    public void SoapRotatesMatricesAndRefreshesEveryFSteps()
    {
        // A (3, 4) weight: two factors, eigh at call 1, then one power-iteration + QR refresh per factor at t = 2 and 4.
        var grads = ShampooTestKit.RandomVectors(5, 12, 12);
        var got = RunMatrix(new SoapConfig(preconditionFrequency: 2), 0.01, new double[12], grads, [3, 4], out var diag);
        Assert.Equal(2 * 3, diag["eigen/refreshes"]);
        Assert.Equal(3, diag["factor/w/0/L/refreshes"]);
        Assert.All(got, x => Assert.True(double.IsFinite(x) && x != 0));
    }
}
