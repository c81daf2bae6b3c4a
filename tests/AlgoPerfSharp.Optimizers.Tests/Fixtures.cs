using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>Parameters, gradients and problems shared by the optimizer tests.</summary>
internal static class Fixtures
{
    public static WorkloadInfo Workload(long stepHint = 1000) =>
        new("test_quadratic", LossType.MeanSquaredError, stepHint, 3600, 1000, 32);

    /// <summary>A float64 parameter holding <paramref name="values"/>, detached from any scope.</summary>
    public static ModelParameter Param(string name, double[] values, ParameterType type = ParameterType.Weight)
    {
        var t = DisposeScope.Detach(Tensor.From<double>(values));
        t.RequiresGrad = true;
        return new ModelParameter(name, t, type);
    }

    /// <summary>A float64 parameter of <paramref name="shape"/> holding <paramref name="values"/> (zeros when null), detached from any scope.</summary>
    public static ModelParameter Param(string name, long[] shape, double[]? values = null, ParameterType type = ParameterType.Weight)
    {
        values ??= new double[shape.Aggregate(1L, (a, b) => a * b)];
        var t = DisposeScope.Detach(Tensor.From<double>(values, shape));
        t.RequiresGrad = true;
        return new ModelParameter(name, t, type);
    }

    /// <summary>Sets the gradient of <paramref name="p"/> to <paramref name="grad"/>, laid out in the parameter's shape.</summary>
    public static void SetGrad(ModelParameter p, double[] grad)
    {
        using var g = Tensor.From<double>(grad, p.Tensor.Shape);
        p.Tensor.Grad = g;
    }

    public static double[] Values(ModelParameter p) => p.Tensor.ToArray<double>();

    /// <summary>A tensor's values converted to float64 (the conversion's temporary disposed).</summary>
    public static double[] Float64Values(Tensor t)
    {
        using var scope = new DisposeScope();
        return t.To(DType.Float64).ToArray<double>();
    }

    /// <summary>Every value of a fused run has the bits of the composed run's.</summary>
    public static void AssertBitIdentical(double[][] fused, double[][] plain)
    {
        for (int k = 0; k < fused.Length; k++)
        {
            for (int i = 0; i < fused[k].Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(fused[k][i]) == BitConverter.DoubleToInt64Bits(plain[k][i]), $"[{k}][{i}] fused {fused[k][i]:R} vs composed {plain[k][i]:R}");
            }
        }
    }

    public static IGradientTransform Adam(double lr, double b1, double b2, double eps, double wd, bool nesterov = false) =>
        new Chain(new ScaleByAdam(b1, b2, eps, nesterov), new AddDecayedWeights(wd), new ScaleByLearningRate(new ConstantSchedule(lr)));

    public static void DisposeAll(IEnumerable<ModelParameter> ps)
    {
        foreach (var p in ps) p.Tensor.Dispose();
    }

    /// <summary>
    /// f(w) = ½ Σ aᵢ (wᵢ − 1)² over two parameters (a 2×3 matrix and a bias of 3), aᵢ spread over [1, 100]:
    /// an ill-conditioned quadratic with minimum 0 at w = 1.
    /// </summary>
    public sealed class Quadratic : IDisposable
    {
        private readonly Tensor _a1 = DisposeScope.Detach(Tensor.From<double>([1, 3, 10, 30, 60, 100], [2, 3]));
        private readonly Tensor _a2 = DisposeScope.Detach(Tensor.From<double>([2, 20, 50]));

        public Quadratic()
        {
            Parameters =
            [
                new ModelParameter("w", DisposeScope.Detach(Tensor.Zeros([2, 3], DType.Float64)).RequiresGradInPlace(), ParameterType.Weight),
                new ModelParameter("b", DisposeScope.Detach(Tensor.Zeros([3], DType.Float64)).RequiresGradInPlace(), ParameterType.Bias),
            ];
        }

        public IReadOnlyList<ModelParameter> Parameters { get; }

        public double Loss()
        {
            using var scope = new DisposeScope();
            using var noGrad = Autograd.NoGrad();
            return Value().ToDouble();
        }

        public double LossAndGrads()
        {
            foreach (var p in Parameters) p.Tensor.Grad = null;
            var loss = Value();
            loss.Backward();
            return loss.ToDouble();
        }

        private Tensor Value()
        {
            var t1 = ((Parameters[0].Tensor - 1).Square() * _a1).Sum();
            var t2 = ((Parameters[1].Tensor - 1).Square() * _a2).Sum();
            return (t1 + t2) * 0.5;
        }

        public StepContext Step(long globalStep) =>
            new(globalStep, Parameters, Workload(200), 0, [], LossAndGrads);

        public void Dispose()
        {
            DisposeAll(Parameters);
            _a1.Dispose();
            _a2.Dispose();
        }
    }
}
