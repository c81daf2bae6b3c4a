using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>examples/RegressionPlugin: each variant is AdamW with exactly its one change, bit for bit.</summary>
public sealed class RegressionPluginTests
{
    private static readonly WorkloadInfo Workload = new("q", LossType.MeanSquaredError, 1000, 60, 10, 1);

    private static Hyperparameters Point(double lr, double oneMinusBeta1) => new(new Dictionary<string, object>
    {
        ["learning_rate"] = lr, ["one_minus_beta1"] = oneMinusBeta1, ["beta2"] = 0.999, ["epsilon"] = 1e-8, ["weight_decay"] = 0.01, ["warmup_factor"] = 0.0,
    });

    /// <summary>Three updates of <paramref name="algorithm"/> at <paramref name="h"/> from fixed weights and gradients.</summary>
    private static double[] Train(ITrainingAlgorithm algorithm, Hyperparameters h)
    {
        var p = new ModelParameter("w", DisposeScope.Detach(Tensor.From<double>([1.0, -2.0, 0.5])).RequiresGradInPlace(), ParameterType.Weight);
        double[][] grads = [[0.3, -0.1, 0.2], [-0.2, -0.5, 1.0], [0.1, 0.4, -0.3]];
        using (var run = algorithm.Init(new AlgorithmInitContext([p], h, Workload, 0)))
        {
            for (int i = 0; i < grads.Length; i++)
            {
                var g = grads[i];
                run.Update(new StepContext(i, [p], Workload, 0, [], () =>
                {
                    using var t = Tensor.From<double>(g);
                    p.Tensor.Grad = t;
                    return 0;
                }));
            }
        }

        var w = p.Tensor.ToArray<double>();
        p.Tensor.Dispose();
        return w;
    }

    [Theory]
    [InlineData("adamw_wrapped", 1e-2, 0.1)]
    [InlineData("adamw_slow", 1e-2, 0.1)]
    [InlineData("adamw_half_lr", 5e-3, 0.1)]
    [InlineData("adamw_no_momentum", 1e-2, 1.0)]
    public void EachVariantIsAdamWWithItsOneChange(string name, double lr, double oneMinusBeta1)
    {
        var plugin = TestRegistries.Algorithms.Resolve(PluginPaths.Regression + ":" + name);
        Assert.Equal(name, plugin.Name);
        Assert.Equal(new AdamW().Defaults.Values, plugin.Defaults.Values);
        var expected = Train(new AdamW(), Point(lr, oneMinusBeta1));
        Assert.Equal(expected, Train(plugin, Point(1e-2, 0.1)));
        if (name is "adamw_half_lr" or "adamw_no_momentum")
        {
            Assert.NotEqual(Train(new AdamW(), Point(1e-2, 0.1)), expected); // the change is visible in three steps
        }
    }
}
