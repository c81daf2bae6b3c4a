using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>Helpers for model tests: finite-difference gradient checks over a module's parameters.</summary>
internal static class ModelTestUtil
{
    /// <summary>
    /// For a float64 model and a scalar loss, compares autograd's gradient of up to <paramref name="perTensor"/>
    /// elements of every parameter (spread over the tensor) with the central difference (L(w + ε) − L(w − ε)) / 2ε,
    /// ε = 1e-6, to |analytic − numeric| ≤ 1e-7 + 1e-5·|numeric|. Returns the number of elements checked and the
    /// largest |gradient| (so a test can assert the check was not vacuous).
    /// </summary>
    public static (int Checked, double Largest) GradCheck(Module model, Func<Tensor> loss, int perTensor = 6)
    {
        const double Eps = 1e-6;
        using var scope = new DisposeScope();
        model.ZeroGrad();
        loss().Backward();
        var named = model.NamedParameters().ToList();
        int count = 0;
        double largest = 0;
        foreach (var (name, p) in named)
        {
            var grad = p.Grad!.ToArray<double>();
            long n = p.NumElements;
            int k = (int)Math.Min(n, perTensor);
            for (int s = 0; s < k; s++)
            {
                long j = k == 1 ? 0 : s * (n - 1) / (k - 1);
                double plus = Perturbed(p, j, Eps, loss);
                double minus = Perturbed(p, j, -Eps, loss);
                double numeric = (plus - minus) / (2 * Eps);
                double a = grad[j];
                Assert.True(Math.Abs(a - numeric) <= 1e-7 + (1e-5 * Math.Abs(numeric)), $"{name}[{j}]: autograd {a:R}, finite difference {numeric:R}");
                largest = Math.Max(largest, Math.Abs(a));
                count++;
            }
        }

        return (count, largest);
    }

    /// <summary>Redraws every parameter (norm scales and shifts included) from N(0, <paramref name="std"/>²) with a seeded generator.</summary>
    public static void Randomize(Module model, ulong seed, double std)
    {
        using var g = new Generator(seed);
        using var noGrad = Autograd.NoGrad();
        foreach (var p in model.Parameters()) p.Data.NormalInPlace(0, std, g);
    }

    /// <summary>Every parameter's values by dotted name (float64 models).</summary>
    public static Dictionary<string, double[]> Weights(Module model) =>
        model.NamedParameters().ToDictionary(np => np.Name, np => np.Parameter.Data.ToArray<double>());

    private static double Perturbed(Parameter p, long index, double delta, Func<Tensor> loss)
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var element = p.Data.View(-1).Narrow(0, index, 1);
        element.AddInPlace(delta);
        double value = loss().ToDouble();
        element.SubInPlace(delta);
        return value;
    }
}
