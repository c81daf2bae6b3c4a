using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using LionPlugin;

namespace LionPlugin.Tests;

public sealed class LionTests
{
    private static WorkloadInfo Workload(long stepHint) => new("q", LossType.MeanSquaredError, stepHint, 60, 10, 1);

    private static ModelParameter Param(double[] values) =>
        new("w", DisposeScope.Detach(Tensor.From<double>(values)).RequiresGradInPlace(), ParameterType.Weight);

    private static Hyperparameters H(double lr, double wd, double warmup = 0) => new(new Dictionary<string, object>
    {
        ["learning_rate"] = lr,
        ["one_minus_beta1"] = 0.1,
        ["beta2"] = 0.99,
        ["weight_decay"] = wd,
        ["warmup_factor"] = warmup,
    });

    private static StepContext Step(long i, ModelParameter p, double[] grad) => new(i, [p], Workload(1_000_000), 0, [], () =>
    {
        using var g = Tensor.From<double>(grad);
        p.Tensor.Grad = g;
        return 0;
    });

    [Fact]
    public void TwoStepsMatchThePapersUpdate()
    {
        double[] w0 = [1.0, -2.0, 0.5];
        double[] g1 = [0.3, -0.1, 0.0];
        double[] g2 = [-0.2, -0.5, 1.0];
        const double lr = 0.01, wd = 0.5, b1 = 0.9, b2 = 0.99;
        var p = Param(w0);
        using var run = new Lion().Init(new AlgorithmInitContext([p], H(lr, wd), Workload(1_000_000), 0));
        run.Update(Step(0, p, g1));
        run.Update(Step(1, p, g2));

        // Reference: m0 = 0; η at step 1 of a 10⁶-step cosine is η·½(1 + cos(π·1e-6)).
        var w = (double[])w0.Clone();
        var m = new double[3];
        double[][] grads = [g1, g2];
        for (int t = 0; t < 2; t++)
        {
            double eta = lr * 0.5 * (1 + Math.Cos(Math.PI * t / 1_000_000));
            for (int i = 0; i < 3; i++)
            {
                double c = (b1 * m[i]) + ((1 - b1) * grads[t][i]);
                w[i] = (w[i] * (1 - (eta * wd))) - (eta * Math.Sign(c));
                m[i] = (b2 * m[i]) + ((1 - b2) * grads[t][i]);
            }
        }

        var got = p.Tensor.ToArray<double>();
        for (int i = 0; i < 3; i++) Assert.Equal(w[i], got[i], 1e-15);
        p.Tensor.Dispose();
    }

    [Fact]
    public void StateRoundTripContinuesBitIdentically()
    {
        double[] g = [0.3, -0.7];
        var a = Param([1.0, 1.0]);
        var b = Param([1.0, 1.0]);
        using var ra = new Lion().Init(new AlgorithmInitContext([a], H(0.01, 0.1), Workload(100), 0));
        using var rb = new Lion().Init(new AlgorithmInitContext([b], H(0.01, 0.1), Workload(100), 0));
        for (int i = 0; i < 3; i++) ra.Update(Step(i, a, g));
        using (var state = ra.SaveState())
        {
            using (Autograd.NoGrad()) b.Tensor.CopyInPlace(a.Tensor);
            rb.LoadState(state);
        }

        for (int i = 3; i < 6; i++)
        {
            ra.Update(Step(i, a, [g[0] * i, g[1] - i]));
            rb.Update(Step(i, b, [g[0] * i, g[1] - i]));
        }

        Assert.Equal(a.Tensor.ToArray<double>(), b.Tensor.ToArray<double>());
        a.Tensor.Dispose();
        b.Tensor.Dispose();
    }

    [Fact]
    public void TheAssemblyDeclaresTheAlgorithmAndBadHyperparametersAreNamed()
    {
        var attr = typeof(Lion).Assembly.GetCustomAttributes(typeof(TrainingAlgorithmAttribute), false).Cast<TrainingAlgorithmAttribute>().Single();
        Assert.Equal(typeof(Lion), attr.AlgorithmType);
        Assert.Equal(Contract.Version, attr.ContractVersion);
        var p = Param([1.0]);
        var bad = new Hyperparameters(new Dictionary<string, object> { ["one_minus_beta1"] = -0.2 });
        var e = Assert.Throws<HyperparameterException>(() => new Lion().Init(new AlgorithmInitContext([p], bad, Workload(10), 0)));
        Assert.Equal("lion: one_minus_beta1 = -0.2 must be a number in [0, 1]", e.Message);
        var edge = new Hyperparameters(new Dictionary<string, object> { ["one_minus_beta1"] = 0.0 });
        Assert.Contains("beta1 must be in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new Lion().Init(new AlgorithmInitContext([p], edge, Workload(10), 0))).Message);
        var misspelt = new Hyperparameters(new Dictionary<string, object> { ["beta1"] = 0.9 });
        Assert.StartsWith("lion has no hyperparameter 'beta1' (did you mean one_minus_beta1?); it declares beta2, dropout_rate, grad_clip,",
            Assert.Throws<HyperparameterException>(() => new Lion().Init(new AlgorithmInitContext([p], misspelt, Workload(10), 0))).Message);
        p.Tensor.Dispose();
    }
}
