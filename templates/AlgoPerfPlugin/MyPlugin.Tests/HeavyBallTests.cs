using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace MyPlugin.Tests;

/// <summary>The algorithm against a hand-written float64 loop of its update: replace both with your method's.</summary>
public sealed class HeavyBallTests
{
    private static WorkloadInfo Workload(long stepHint) => new("test", LossType.MeanSquaredError, stepHint, 60, 10, 1);

    private static ModelParameter Param(double[] values) =>
        new("w", DisposeScope.Detach(Tensor.From<double>(values)).RequiresGradInPlace(), ParameterType.Weight);

    private static StepContext Step(long i, ModelParameter p, double[] grad) => new(i, [p], Workload(1_000), 0, [], () =>
    {
        using var g = Tensor.From<double>(grad);
        p.Tensor.Grad = g;
        return 0;
    });

    [Fact]
    public void ThreeStepsAtAConstantLearningRateMatchTheReferenceLoop()
    {
        double[] w0 = [1.0, -2.0, 0.5];
        double[][] grads = [[0.3, -0.1, 0.0], [-0.2, -0.5, 1.0], [0.05, 0.4, -0.3]];
        const double lr = 0.1, mu = 0.9, wd = 0.01;
        var h = new Hyperparameters(new Dictionary<string, object>
        {
            ["learning_rate"] = lr, ["one_minus_beta1"] = 1 - mu, ["weight_decay"] = wd, ["lr_schedule"] = "constant",
        });
        var p = Param(w0);
        using (var run = new HeavyBall().Init(new AlgorithmInitContext([p], h, Workload(1_000), 0)))
        {
            for (int t = 0; t < grads.Length; t++) run.Update(Step(t, p, grads[t]));
        }

        var w = (double[])w0.Clone();
        var b = new double[w.Length];
        foreach (var g in grads)
        {
            for (int i = 0; i < w.Length; i++)
            {
                b[i] = (mu * b[i]) + g[i];
                w[i] -= lr * (b[i] + (wd * w[i]));
            }
        }

        var got = p.Tensor.ToArray<double>();
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], got[i], 1e-12);
        p.Tensor.Dispose();
    }

    [Fact]
    public void TheAssemblyDeclaresTheAlgorithmForTheHarnessContract()
    {
        var attr = typeof(HeavyBall).Assembly.GetCustomAttributes(typeof(TrainingAlgorithmAttribute), false)
            .Cast<TrainingAlgorithmAttribute>().Single();
        Assert.Equal(typeof(HeavyBall), attr.AlgorithmType);
        Assert.Equal(Contract.Version, attr.ContractVersion);
        var declared = new HeavyBall().Declared.Select(d => d.Name).ToHashSet();
        Assert.All(new HeavyBall().SearchSpace.Dimensions, d => Assert.Contains(d.Name, declared));
    }
}
