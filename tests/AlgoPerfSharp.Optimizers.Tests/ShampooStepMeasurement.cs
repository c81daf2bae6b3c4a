using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Torch;
using Xunit.Abstractions;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Not a test: the measurement behind the Shampoo-family step figures (one 1024×1024 fp32 weight; median regular and
/// amortized step vs a 1024² matmul in the same process). Skipped; to run it, remove Skip and use
/// <c>dotnet test --filter ShampooStepMeasurement --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ShampooStepMeasurement(ITestOutputHelper output)
{
    private const long D = 1024;

    [Theory(Skip = "measurement, minutes long; run by hand")]
    [InlineData("shampoo", 100, 8)]
    [InlineData("ec_shampoo", 100, 16)]
    [InlineData("soap", 10, 16)]
    [InlineData("purified_shampoo", 50, 16)]
    public void MeasureOneStepOnA1024SquareWeight(string name, int defaultF, double gemmD3PerStep)
    {
        const int f = 10;
        var config = name switch
        {
            "shampoo" => new ShampooConfig(beta1: 0.9327, beta2: 0.9955, weightDecay: 0.08, preconditionFrequency: f, grafting: new GraftingConfig(GraftingType.Adam, 0.9955, 1e-8), beta3: 0.9327 * 0.9327),
            "ec_shampoo" => ShampooConfig.EigenvalueCorrected(weightDecay: 0.01, preconditionFrequency: f),
            "soap" => null,
            _ => ShampooConfig.Purified(weightDecay: 0.01, preconditionFrequency: f),
        };
        using var gen = new Generator(7);
        double gemm = GemmMilliseconds(gen);
        var w = DisposeScope.Detach(Tensor.RandN([D, D], gen).MulInPlace(0.02)).RequiresGradInPlace();
        var grads = Enumerable.Range(0, 4).Select(_ => DisposeScope.Detach(Tensor.RandN([D, D], gen))).ToArray();
        var regular = new List<double>();
        var amortized = new List<double>();
        ModelParameter[] ps = [new ModelParameter("w", w, ParameterType.Weight)];
        using (var opt = config is null ? new ShampooDriver(ps, new SoapConfig(preconditionFrequency: f)) : new ShampooDriver(ps, config))
        {
            for (int s = 0; s < 46; s++)
            {
                using var scope = new DisposeScope();
                w.Grad = grads[s % grads.Length];
                long t0 = Stopwatch.GetTimestamp();
                opt.Step(1e-4);
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                long calls = opt.Optimizer.StepCount;
                bool isAmortized = config is null ? calls == 1 || (calls - 1) % f == 0 : ScaleByShampoo.IsAmortizedStep(calls, config);
                if (s >= f + 2) (isAmortized ? amortized : regular).Add(ms);
            }
        }

        double reg = Median(regular), am = Median(amortized), flops = gemmD3PerStep * D * D * D;
        output.WriteLine($"gemm 1024² {gemm:F1} ms = {2.0 * D * D * D / gemm / 1e6:F1} GFLOP/s; {name}: regular {reg:F1} ms = {flops / reg / 1e6:F1} GFLOP/s " +
            $"({100 * flops / reg / (2.0 * D * D * D / gemm):F0}% of gemm); amortized step {am:F1} ms; over F = {defaultF}: {reg + ((am - reg) / defaultF):F1} ms/step");
        w.Dispose();
        foreach (var g in grads) g.Dispose();
    }

    private static double GemmMilliseconds(Generator gen)
    {
        using var scope = new DisposeScope();
        var a = Tensor.RandN([D, D], gen);
        var b = Tensor.RandN([D, D], gen);
        var c = Tensor.Empty([D, D]);
        var ts = new List<double>();
        for (int i = 0; i < 35; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            c.MmInto(a, b);
            if (i >= 5) ts.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        return Median(ts);
    }

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
}
