namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// In-place random fills: reproducibility per generator seed, ranges, and sample moments of 1e5 draws within four
/// standard errors of the distribution's (seeds are fixed, so these are deterministic, not flaky).
/// </summary>
public sealed class RandomTests
{
    private const int N = 100_000;

    private static (double Mean, double Var) Moments(double[] v)
    {
        double mean = v.Average();
        double var = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        return (mean, var);
    }

    private static void AssertWithin4Se(double expected, double actual, double se, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 4 * se, $"{what}: expected {expected} ± 4·{se:E2}, got {actual}");

    [Fact]
    public void SameSeedGivesIdenticalTensorsAndDifferentSeedsDiffer()
    {
        using var scope = new DisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        var a = Tensor.Empty([1000]).UniformInPlace(-1, 1, g1).ToArray<float>();
        var b = Tensor.Empty([1000]).UniformInPlace(-1, 1, g2).ToArray<float>();
        var c = Tensor.Empty([1000]).UniformInPlace(-1, 1, g3).ToArray<float>();
        Assert.Equal(a, b);
        Assert.True(a.Zip(c).Count(p => p.First != p.Second) > 990, "different seeds gave (nearly) the same draws");

        var na = Tensor.Empty([1000], DType.Float64).NormalInPlace(0, 1, g1).ToArray<double>();
        var nb = Tensor.Empty([1000], DType.Float64).NormalInPlace(0, 1, g2).ToArray<double>();
        var nc = Tensor.Empty([1000], DType.Float64).NormalInPlace(0, 1, g3).ToArray<double>();
        Assert.Equal(na, nb);
        Assert.True(na.Zip(nc).Count(p => p.First != p.Second) > 990);

        var ba = Tensor.Zeros([1000]).Bernoulli(0.5, g1).ToArray<float>();
        var bb = Tensor.Zeros([1000]).Bernoulli(0.5, g2).ToArray<float>();
        Assert.Equal(ba, bb);

        // The generator advances: a second draw from the same generator differs from the first.
        var again = Tensor.Empty([1000]).UniformInPlace(-1, 1, g1).ToArray<float>();
        Assert.True(a.Zip(again).Count(p => p.First != p.Second) > 990);

        // Reseeding replays the stream; the default generator is reproducible through ManualSeed.
        g1.ManualSeed(42);
        Assert.Equal(a, Tensor.Empty([1000]).UniformInPlace(-1, 1, g1).ToArray<float>());
        TorchRuntime.ManualSeed(7);
        var d1 = Tensor.Empty([100]).NormalInPlace().ToArray<float>();
        TorchRuntime.ManualSeed(7);
        Assert.Equal(d1, Tensor.Empty([100]).NormalInPlace().ToArray<float>());
    }

    [Fact]
    public void UniformRespectsTheRangeAndHasTheRightMoments()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(1);
        const double a = -2, b = 3;
        var t = Tensor.Empty([N], DType.Float64);
        Assert.Same(t, t.UniformInPlace(a, b, g));
        var v = t.ToArray<double>();
        Assert.True(v.Min() >= a && v.Max() < b, $"range [{v.Min()}, {v.Max()}] outside [{a}, {b})");
        Assert.True(v.Min() < a + 0.01 && v.Max() > b - 0.01, "samples do not cover the range");

        var (mean, var) = Moments(v);
        double sigma2 = (b - a) * (b - a) / 12;
        double mu4 = Math.Pow(b - a, 4) / 80;
        AssertWithin4Se((a + b) / 2, mean, Math.Sqrt(sigma2 / N), "mean");
        AssertWithin4Se(sigma2, var, Math.Sqrt((mu4 - (sigma2 * sigma2)) / N), "variance");

        // float32 keeps dtype and shape.
        var f = Tensor.Zeros([3, 4]).UniformInPlace(5, 6, g);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new long[] { 3, 4 }, f.Shape);
        Assert.All(f.ToArray<float>(), x => Assert.InRange(x, 5f, 6f));
    }

    [Fact]
    public void NormalAndExponentialHaveTheRightMoments()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(2);
        const double mu = 1.5, sd = 2;
        var (mean, var) = Moments(Tensor.Empty([N], DType.Float64).NormalInPlace(mu, sd, g).ToArray<double>());
        AssertWithin4Se(mu, mean, sd / Math.Sqrt(N), "normal mean");
        AssertWithin4Se(sd * sd, var, Math.Sqrt(2 * Math.Pow(sd, 4) / N), "normal variance");

        const double lambda = 4;
        var e = Tensor.Empty([N], DType.Float64).ExponentialInPlace(lambda, g).ToArray<double>();
        Assert.True(e.Min() >= 0);
        var (emean, evar) = Moments(e);
        AssertWithin4Se(1 / lambda, emean, 1 / lambda / Math.Sqrt(N), "exponential mean");
        // Var(s²) for the exponential: (μ4 − σ⁴)/n with μ4 = 9/λ⁴.
        AssertWithin4Se(1 / (lambda * lambda), evar, Math.Sqrt(8 / Math.Pow(lambda, 4) / N), "exponential variance");
    }

    [Fact]
    public void BernoulliHasTheRightMeanAndValues()
    {
        using var scope = new DisposeScope();
        using var g = new Generator(3);
        const double p = 0.3;
        var template = Tensor.Full([N], 123.0, DType.Float64); // values are not read with an explicit p
        var s = template.Bernoulli(p, g);
        Assert.Equal(DType.Float64, s.DType);
        var v = s.ToArray<double>();
        Assert.All(v, x => Assert.True(x == 0 || x == 1));
        AssertWithin4Se(p, v.Average(), Math.Sqrt(p * (1 - p) / N), "bernoulli mean");
        Assert.All(template.ToArray<double>(), x => Assert.Equal(123.0, x)); // input untouched

        var inPlace = Tensor.Empty([N]).BernoulliInPlace(0.8, g).ToArray<float>();
        AssertWithin4Se(0.8, inPlace.Average(x => (double)x), Math.Sqrt(0.8 * 0.2 / N), "in-place bernoulli mean");

        // Per-element probabilities: 0 and 1 are deterministic, 0.5 is in between.
        var probs = Tensor.From<double>([0, 1, 0, 1]);
        Assert.Equal(new double[] { 0, 1, 0, 1 }, probs.Bernoulli(g).ToArray<double>());
        var half = Tensor.Full([N], 0.5, DType.Float64).Bernoulli(g).ToArray<double>();
        AssertWithin4Se(0.5, half.Average(), Math.Sqrt(0.25 / N), "per-element bernoulli mean");
    }

    [Fact]
    public void BadArgumentsRaiseTorchException()
    {
        using var scope = new DisposeScope();
        var t = Tensor.Zeros([4]);
        Assert.Throws<TorchException>(() => t.UniformInPlace(1, 0));
        Assert.Throws<TorchException>(() => t.NormalInPlace(0, -1));
        Assert.Throws<TorchException>(() => t.Bernoulli(1.5));
        Assert.Throws<TorchException>(() => t.BernoulliInPlace(-0.1));
        Assert.Throws<TorchException>(() => Tensor.Zeros([4], DType.Int64).NormalInPlace());
        Assert.Equal(new float[] { 0, 0, 0, 0 }, t.ToArray<float>()); // failed fills left it alone
    }
}
