using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// <see cref="Autograd.Grad"/> and Hessian–vector products (Pearlmutter: Hv = ∇(∇f·v)) against closed forms, and against
/// float64 central differences of gradients, (∇f(θ + εv) − ∇f(θ − εv)) / 2ε with ε = 1e-5, for graphs with no closed
/// form; the fused nodes refuse a second backward outside <see cref="Autograd.TwiceDifferentiable"/> and take their
/// composed graphs inside it.
/// </summary>
public sealed class DoubleBackwardTests
{
    private const double Eps = 1e-5;

    private static double[] Rand(ulong seed, int n)
    {
        using var g = new Generator(seed);
        using var t = Tensor.RandN([n], g, DType.Float64);
        return t.ToArray<double>();
    }

    // Hv of f at the leaves' values, computed inside the twice-differentiable scope.
    private static double[][] Hvp(Func<Tensor[], Tensor> f, Tensor[] leaves, double[][] v)
    {
        Tensor loss;
        using (Autograd.TwiceDifferentiable()) loss = f(leaves);
        var g = Autograd.Grad([loss], leaves, createGraph: true);
        var dot = g.Select((gi, i) => (gi * Tensor.From<double>(v[i], leaves[i].Shape)).Sum()).Aggregate((a, b) => a + b);
        return [.. Autograd.Grad([dot], leaves).Select(h => h.ToArray<double>())];
    }

    // (∇f(θ + εv) − ∇f(θ − εv)) / 2ε, each gradient by a plain (fused, once-differentiable) backward.
    private static double[][] FiniteDifference(Func<Tensor[], Tensor> f, double[][] theta, long[][] shapes, double[][] v)
    {
        double[][] GradAt(double sign)
        {
            using var scope = new DisposeScope();
            var leaves = theta.Select((t, i) => Tensor.From<double>(t.Select((x, j) => x + (sign * Eps * v[i][j])).ToArray(), shapes[i]).RequiresGradInPlace()).ToArray();
            return [.. Autograd.Grad([f(leaves)], leaves).Select(g => g.ToArray<double>())];
        }

        var plus = GradAt(1);
        var minus = GradAt(-1);
        return [.. plus.Select((p, i) => p.Select((x, j) => (x - minus[i][j]) / (2 * Eps)).ToArray())];
    }

    private static void AssertClose(double[][] expected, double[][] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
            {
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= tol * (1 + Math.Abs(expected[i][j])),
                    $"input {i} element {j}: expected {expected[i][j]:R}, got {actual[i][j]:R}");
            }
        }
    }

    // Checks Hv against central differences for every leaf and returns the largest |Hv| (so a test can insist it is not 0).
    private static double CheckAgainstFiniteDifference(Func<Tensor[], Tensor> f, params (double[] Data, long[] Shape)[] inputs)
    {
        using var scope = new DisposeScope();
        var v = inputs.Select((x, i) => Rand(900 + (ulong)i, x.Data.Length)).ToArray();
        var leaves = inputs.Select(x => Tensor.From<double>(x.Data, x.Shape).RequiresGradInPlace()).ToArray();
        var hv = Hvp(f, leaves, v);
        var fd = FiniteDifference(f, [.. inputs.Select(x => x.Data)], [.. inputs.Select(x => x.Shape)], v);
        AssertClose(fd, hv, 1e-6);
        return hv.SelectMany(h => h).Max(Math.Abs);
    }

    [Fact]
    public void AQuadraticFormsGradientIsAxAndItsHessianVectorProductIsAv()
    {
        using var scope = new DisposeScope();
        const int n = 5;
        var m = Rand(1, n * n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) a[(i * n) + j] = m[(i * n) + j] + m[(j * n) + i]; // symmetric
        }

        double[] x0 = Rand(2, n), v = Rand(3, n);
        var x = Tensor.From<double>(x0).RequiresGradInPlace();
        var f = x.Reshape(1, n).MatMul(Tensor.From<double>(a, [n, n])).MatMul(x.Reshape(n, 1)).Sum() * 0.5; // ½ xᵀAx
        var g = Autograd.Grad([f], [x], createGraph: true)[0];
        var hv = Autograd.Grad([(g * Tensor.From<double>(v)).Sum()], [x])[0];

        double[] ax = new double[n], av = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                ax[i] += a[(i * n) + j] * x0[j];
                av[i] += a[(i * n) + j] * v[j];
            }
        }

        TestUtil.AssertClose(ax, g, 1e-12);
        TestUtil.AssertClose(av, hv, 1e-12);
        Assert.Null(x.Grad); // functional: nothing accumulated
    }

    [Fact]
    public void TheHessianOfASumOfSinesIsMinusSineOnTheDiagonal()
    {
        using var scope = new DisposeScope();
        double[] x0 = Rand(4, 7), v = Rand(5, 7);
        var x = Tensor.From<double>(x0).RequiresGradInPlace();
        var hv = Hvp(t => t[0].Sin().Sum(), [x], [v])[0];
        AssertClose([[.. x0.Select((xi, i) => -Math.Sin(xi) * v[i])]], [hv], 1e-14);
    }

    [Fact]
    public void ATanhMlpsHessianVectorProductMatchesCentralDifferencesOfItsGradient()
    {
        // mean((tanh(X W1ᵀ + b1) W2ᵀ + b2 − Y)²) over (W1, b1, W2, b2), X (6, 3), Y (6, 2)
        var xs = Rand(10, 18);
        var ys = Rand(11, 12);
        Tensor Loss(Tensor[] p)
        {
            var h = Functional.Linear(Tensor.From<double>(xs, [6, 3]), p[0], p[1]).Tanh();
            return (Functional.Linear(h, p[2], p[3]) - Tensor.From<double>(ys, [6, 2])).Square().Mean();
        }

        double largest = CheckAgainstFiniteDifference(Loss, (Rand(12, 12), [4, 3]), (Rand(13, 4), [4]), (Rand(14, 8), [2, 4]), (Rand(15, 2), [2]));
        Assert.True(largest > 1e-2, $"|Hv| is at most {largest}");
    }

    [Fact]
    public void FusedRmsNormRefusesASecondBackwardOutsideTheScopeAndIsExactInsideIt()
    {
        Tensor Loss(Tensor[] p) => (Functional.RmsNorm(p[0], p[1], 1e-5).Square() * Tensor.From<double>(Rand(20, 24), [3, 8])).Sum();
        var inputs = new (double[], long[])[] { (Rand(21, 24), [3, 8]), (Rand(22, 8), [8]) };
        if (TorchRuntime.FusedKernels)
        {
            using var scope = new DisposeScope();
            var leaves = inputs.Select(i => Tensor.From<double>(i.Item1, i.Item2).RequiresGradInPlace()).ToArray();
            var e = Assert.Throws<TorchException>(() => Autograd.Grad([Loss(leaves)], leaves, createGraph: true));
            Assert.Contains("the fused RMSNorm is not twice differentiable", e.Message, StringComparison.Ordinal);
            Assert.Contains("Autograd.TwiceDifferentiable()", e.Message, StringComparison.Ordinal);
        }

        Assert.True(CheckAgainstFiniteDifference(Loss, inputs) > 1e-2);
    }

    [Fact]
    public void FusedAttentionAndRopeRefuseASecondBackwardOutsideTheScopeAndAreExactInsideIt()
    {
        var cos = Rand(30, 4 * 4);
        var sin = Rand(31, 4 * 4);
        var r = Rand(32, 2 * 4 * 4);
        Tensor Loss(Tensor[] p)
        {
            var q = Functional.RotaryEmbedding(p[0], Tensor.From<double>(cos, [4, 4]), Tensor.From<double>(sin, [4, 4]));
            var y = Functional.ScaledDotProductAttention(q, p[1], p[2], causal: true);  // (1, 2, 4, 4)
            return (y * Tensor.From<double>(r, [1, 2, 4, 4])).Sum();
        }

        var inputs = new (double[], long[])[] { (Rand(33, 32), [1, 2, 4, 4]), (Rand(34, 32), [1, 2, 4, 4]), (Rand(35, 32), [1, 2, 4, 4]) };
        if (TorchRuntime.FusedKernels)
        {
            using var scope = new DisposeScope();
            var leaves = inputs.Select(i => Tensor.From<double>(i.Item1, i.Item2).RequiresGradInPlace()).ToArray();
            var e = Assert.Throws<TorchException>(() => Autograd.Grad([Loss(leaves)], leaves, createGraph: true));
            Assert.Contains("is not twice differentiable", e.Message, StringComparison.Ordinal);
        }

        Assert.True(CheckAgainstFiniteDifference(Loss, inputs) > 1e-2);
    }

    [Fact]
    public void TheScopeRestoresTheFusedPathAndAHessianVectorProductFreesEveryTensor()
    {
        long before = TestUtil.SettledLiveTensors();
        using (var scope = new DisposeScope())
        {
            var x = Tensor.From<double>(Rand(40, 24), [3, 8]).RequiresGradInPlace();
            var w = Tensor.From<double>(Rand(41, 8)).RequiresGradInPlace();
            Hvp(p => Functional.RmsNorm(p[0], p[1]).Square().Sum(), [x, w], [Rand(42, 24), Rand(43, 8)]);
            if (TorchRuntime.FusedKernels)
            {
                // after the scope, the fused node is back: a second backward is refused again
                Assert.Throws<TorchException>(() => Autograd.Grad([Functional.RmsNorm(x, w).Square().Sum()], [x, w], createGraph: true));
            }
        }

        Assert.Equal(before, TestUtil.SettledLiveTensors());
    }

    [Fact]
    public void BadInputGetsOneClearError()
    {
        using var scope = new DisposeScope();
        var x = Tensor.From<double>([1.0, 2.0]).RequiresGradInPlace();
        var unused = Tensor.From<double>([3.0]).RequiresGradInPlace();
        var f = x.Square().Sum();

        Assert.Equal("autograd grad needs at least one output (Parameter 'outputs')", Assert.Throws<ArgumentException>(() => Autograd.Grad([], [x])).Message);
        Assert.Equal("autograd grad needs at least one input (Parameter 'inputs')", Assert.Throws<ArgumentException>(() => Autograd.Grad([f], [])).Message);
        Assert.StartsWith("gradOutputs has 2 tensors but there are 1 outputs", Assert.Throws<ArgumentException>(() => Autograd.Grad([f], [x], [x, x])).Message);
        Assert.Throws<TorchException>(() => Autograd.Grad([Tensor.From<double>([1.0])], [x]));   // does not require grad
        Assert.Throws<TorchException>(() => Autograd.Grad([f], [x, unused], retainGraph: true)); // unused input
        var g = Autograd.Grad([f], [x, unused], allowUnused: true);
        Assert.Equal([2.0, 4.0], g[0].ToArray<double>());
        Assert.Equal([0.0], g[1].ToArray<double>());
        Assert.False(g[0].RequiresGrad); // no createGraph: a plain tensor
    }
}
