using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using MathNet.Numerics.LinearAlgebra;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// ASGO and DASGO (arXiv 2503.20762, infinity-stars/ASGO) against a float64 loop written from the update equations,
/// the no-accumulation identity (ASGO's direction is the polar factor UVᵀ of G, checked against an SVD), routing and
/// bad input.
/// </summary>
public sealed class AsgoTests
{
    private const double Lr = 0.05, Beta1 = 0.9, Wd = 0.1;

    // Left side (3 < 5), right side (5 > 3), square (right), a conv kernel viewed as (2, 6); then the Adam side.
    private static readonly (string Name, long[] Shape, ParameterType Type)[] Specs =
    [
        ("w", [3, 5], ParameterType.Weight),
        ("out", [5, 3], ParameterType.AttentionOut),
        ("sq", [4, 4], ParameterType.Weight),
        ("conv", [2, 3, 1, 2], ParameterType.ConvWeight),
        ("b", [3], ParameterType.Bias),
        ("emb", [4, 2], ParameterType.Embedding),
        ("head", [3, 2], ParameterType.OutputHead),
    ];

    private static double[] Random(Random rng, long n) => Enumerable.Range(0, (int)n).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();

    private static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static Matrix<double> InverseSqrt(Matrix<double> a)
    {
        var evd = a.Evd(Symmetricity.Symmetric);
        var q = evd.EigenVectors;
        var d = Matrix<double>.Build.DenseOfDiagonalArray(evd.EigenValues.Select(c => 1 / Math.Sqrt(c.Real)).ToArray());
        return q * d * q.Transpose();
    }

    /// <summary>The reference loop: ASGO/DASGO on matrices, Adam (β 0.9/0.95, ε 1e-8, no decay) on the rest, constant η.</summary>
    private static double[][] Reference(double[][] w0, double[][][] grads, bool diagonal, double beta2, double eps)
    {
        var w = w0.Select(x => (double[])x.Clone()).ToArray();
        var mom = new Matrix<double>?[Specs.Length];
        var stat = new Matrix<double>?[Specs.Length];
        var col = new double[Specs.Length][];
        var am = Specs.Select(s => new double[Count(s.Shape)]).ToArray();
        var av = Specs.Select(s => new double[Count(s.Shape)]).ToArray();
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < Specs.Length; i++)
            {
                var (_, shape, type) = Specs[i];
                var g = grads[t - 1][i];
                if (!type.IsHiddenMatrix())
                {
                    for (int k = 0; k < g.Length; k++)
                    {
                        am[i][k] = (0.9 * am[i][k]) + (0.1 * g[k]);
                        av[i][k] = (0.95 * av[i][k]) + (0.05 * g[k] * g[k]);
                        double mhat = am[i][k] / (1 - Math.Pow(0.9, t));
                        double vhat = av[i][k] / (1 - Math.Pow(0.95, t));
                        w[i][k] -= Lr * mhat / (Math.Sqrt(vhat) + 1e-8);
                    }

                    continue;
                }

                int m = (int)shape[0], n = (int)(Count(shape) / m);
                var gm = Matrix<double>.Build.Dense(m, n, (r, c) => g[(r * n) + c]);
                mom[i] = mom[i] is null ? (1 - Beta1) * gm : (Beta1 * mom[i]!) + ((1 - Beta1) * gm);
                Matrix<double> u;
                if (diagonal)
                {
                    col[i] ??= new double[n];
                    for (int c = 0; c < n; c++)
                    {
                        double sq = 0;
                        for (int r = 0; r < m; r++) sq += gm[r, c] * gm[r, c];
                        col[i][c] = (beta2 * col[i][c]) + ((1 - beta2) * sq);
                    }

                    u = Matrix<double>.Build.Dense(m, n, (r, c) => mom[i]![r, c] / Math.Sqrt(col[i][c] + eps));
                }
                else
                {
                    var s = m < n ? gm * gm.Transpose() : gm.Transpose() * gm;
                    stat[i] = stat[i] is null ? (1 - beta2) * s : (beta2 * stat[i]!) + ((1 - beta2) * s);
                    var root = InverseSqrt(stat[i]! + (eps * Matrix<double>.Build.DenseIdentity(s.RowCount)));
                    u = m < n ? root * mom[i]! : mom[i]! * root;
                }

                double scale = 0.2 * Math.Sqrt(m * n) / u.FrobeniusNorm();
                for (int r = 0; r < m; r++)
                {
                    for (int c = 0; c < n; c++) w[i][(r * n) + c] = (w[i][(r * n) + c] * (1 - (Lr * Wd))) - (Lr * scale * u[r, c]);
                }
            }
        }

        return w;
    }

    [Theory]
    [InlineData(false, 0.8, 1e-3)]
    [InlineData(true, 0.95, 1e-3)]
    public void TwentyFiveStepsMatchTheReferenceLoop(bool diagonal, double beta2, double eps)
    {
        // ε = 1e-3 is far above rounding, so the loop also pins where ε enters (P + εI, p + ε).
        var rng = new Random(11);
        double[][] w0 = Specs.Select(s => Random(rng, Count(s.Shape))).ToArray();
        double[][][] grads = Enumerable.Range(0, 25).Select(_ => Specs.Select(s => Random(rng, Count(s.Shape))).ToArray()).ToArray();
        var ps = Specs.Select((s, i) => Fixtures.Param(s.Name, s.Shape, w0[i], s.Type)).ToArray();
        var hp = new Hyperparameters(new Dictionary<string, object>
        {
            ["learning_rate"] = Lr, ["one_minus_beta1"] = 1 - Beta1, ["beta2"] = beta2, ["epsilon"] = eps, ["weight_decay"] = Wd,
            ["lr_schedule"] = "constant",
        });
        ITrainingAlgorithm algorithm = diagonal ? new Dasgo() : new Asgo();
        using var run = algorithm.Init(new AlgorithmInitContext(ps, hp, Fixtures.Workload(), 0));
        for (int t = 0; t < grads.Length; t++)
        {
            using var scope = new DisposeScope();
            int step = t;
            run.Update(new StepContext(t, ps, Fixtures.Workload(), 0, [], () =>
            {
                for (int i = 0; i < ps.Length; i++) Fixtures.SetGrad(ps[i], grads[step][i]);
                return 0;
            }));

            // the whole trajectory, not only its end: every step agrees with the loop run for t + 1 steps
            if (t % 8 == 0 || t == grads.Length - 1)
            {
                var expected = Reference(w0, grads[..(t + 1)], diagonal, beta2, eps);
                for (int i = 0; i < ps.Length; i++)
                {
                    var got = Fixtures.Values(ps[i]);
                    for (int k = 0; k < got.Length; k++) Assert.True(Math.Abs(expected[i][k] - got[k]) <= 1e-10, $"step {t + 1} {Specs[i].Name}[{k}]: {got[k]:R} vs {expected[i][k]:R}");
                }
            }
        }

        Fixtures.DisposeAll(ps);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(5, 3)]
    [InlineData(4, 4)]
    public void WithoutAccumulationTheDirectionIsThePolarFactorOfTheGradient(int m, int n)
    {
        // β1 = β2 = 0: M = G and P = GGᵀ (or GᵀG), so U = (GGᵀ)^(−½)G = UVᵀ from G's thin SVD (ε = 1e-30 is below
        // float64's resolution of these eigenvalues). The RMS normalisation then scales it by 0.2·√(mn)/‖UVᵀ‖_F =
        // 0.2·√(mn/min(m, n)). Two steps: the second step's direction is the polar factor of the second gradient alone.
        var rng = new Random(5 + m);
        var p = Fixtures.Param("w", [m, n], null, ParameterType.Weight);
        var hp = new Hyperparameters(new Dictionary<string, object>
        {
            ["learning_rate"] = 1.0, ["one_minus_beta1"] = 1.0, ["beta2"] = 0.0, ["epsilon"] = 1e-30, ["weight_decay"] = 0.0, ["lr_schedule"] = "constant",
        });
        using var run = new Asgo().Init(new AlgorithmInitContext([p], hp, Fixtures.Workload(), 0));
        double[] before = new double[m * n];
        for (int step = 0; step < 2; step++)
        {
            double[] g = Random(rng, m * n);
            using (var scope = new DisposeScope())
            {
                run.Update(new StepContext(step, [p], Fixtures.Workload(), 0, [], () =>
                {
                    Fixtures.SetGrad(p, g);
                    return 0;
                }));
            }

            var gm = Matrix<double>.Build.Dense(m, n, (r, c) => g[(r * n) + c]);
            var svd = gm.Svd(computeVectors: true);
            int k = Math.Min(m, n);
            var polar = svd.U.SubMatrix(0, m, 0, k) * svd.VT.SubMatrix(0, k, 0, n);
            double scale = 0.2 * Math.Sqrt((double)m * n / k);
            double[] after = Fixtures.Values(p);
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    double delta = after[(r * n) + c] - before[(r * n) + c];
                    Assert.Equal(-scale * polar[r, c], delta, 1e-12);
                }
            }

            before = after;
        }

        p.Tensor.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EachDirectionIsScaledByItsOwnNormWhateverTheMomentumLayout(bool diagonal)
    {
        // The sums of squares of all directions come from one native call, so each scale must still be its own
        // direction's: s·‖U‖_F = ρ·√(mn) for every matrix (four shapes, four norms). A strided momentum sends DASGO
        // through the composed ATen ops instead of its fused kernel, so there the directions summed are some of them
        // (0 and 2), not all; every update s·U must equal the run whose momenta are all contiguous.
        long[][] shapes = [[3, 5], [4, 2], [2, 6], [5, 5]];
        var ps = shapes.Select((shape, i) => Fixtures.Param($"w{i}", shape)).ToArray();
        var transform = new ScaleByAsgo(new AsgoConfig(beta2: 0.9, epsilon: 1e-3, diagonal: diagonal));
        var plain = (AsgoState)((IGradientTransform)transform).Init(ps);
        var strided = (AsgoState)((IGradientTransform)transform).Init(ps);
        foreach (int i in new[] { 0, 2 })
        {
            using var scope = new DisposeScope();
            strided.Momentum[i].Dispose();
            strided.Momentum[i] = DisposeScope.Detach(Tensor.Zeros([shapes[i][1], shapes[i][0]], DType.Float64).T());
            Assert.False(strided.Momentum[i].IsContiguous);
        }

        using var gen = new Generator(13);
        for (int step = 1; step <= 3; step++)
        {
            using var scope = new DisposeScope();
            var grads = shapes.Select(shape => Tensor.RandN(shape, gen, DType.Float64)).ToArray();
            var a = transform.Directions(new UpdateContext(ps, grads.Select(g => g.Clone()).ToArray(), step), plain)!;
            var b = transform.Directions(new UpdateContext(ps, grads.Select(g => g.Clone()).ToArray(), step), strided)!;
            for (int i = 0; i < shapes.Length; i++)
            {
                double[] u = a[i].Direction.Contiguous().ToArray<double>(), v = b[i].Direction.Contiguous().ToArray<double>();
                double norm = Math.Sqrt(u.Sum(x => x * x));
                Assert.Equal(0.2 * Math.Sqrt(u.Length), a[i].Scale * norm, 1e-12);
                for (int k = 0; k < u.Length; k++) Assert.Equal(a[i].Scale * u[k], b[i].Scale * v[k], 1e-12);
            }
        }

        plain.Dispose();
        strided.Dispose();
        Fixtures.DisposeAll(ps);
    }

    [Fact]
    public void AZeroGradientLeavesTheMatrixWhereItIs()
    {
        // U = 0 has no norm to normalise by: the update is zero, not NaN.
        var p = Fixtures.Param("w", [2, 3], [1, 2, 3, 4, 5, 6], ParameterType.Weight);
        var hp = new Hyperparameters(new Dictionary<string, object> { ["weight_decay"] = 0.0, ["lr_schedule"] = "constant" });
        using var run = new Asgo().Init(new AlgorithmInitContext([p], hp, Fixtures.Workload(), 0));
        run.Update(new StepContext(0, [p], Fixtures.Workload(), 0, [], () =>
        {
            Fixtures.SetGrad(p, new double[6]);
            return 0;
        }));
        Assert.Equal([1.0, 2, 3, 4, 5, 6], Fixtures.Values(p));
        p.Tensor.Dispose();
    }

    [Fact]
    public void DefaultsAreTheOfficialCodes()
    {
        var a = new Asgo().Defaults;
        Assert.Equal([0.01, 0.1, 0.8, 1e-10, 0.1, 0.1], new[] { "learning_rate", "one_minus_beta1", "beta2", "epsilon", "weight_decay", "warmup_factor" }.Select(k => a.GetDouble(k)));
        var d = new Dasgo().Defaults;
        Assert.Equal([0.01, 0.1, 0.95, 1e-8, 0.1, 0.1], new[] { "learning_rate", "one_minus_beta1", "beta2", "epsilon", "weight_decay", "warmup_factor" }.Select(k => d.GetDouble(k)));
        Assert.Equal([0.9, 0.95, 1e-8, 0.0], new[] { "adam_beta1", "adam_beta2", "adam_epsilon", "adam_weight_decay" }.Select(k => a.GetDouble(k)));
    }

    [Theory]
    [InlineData("epsilon", 0.0, "epsilon must be a finite number > 0 (got 0)")]
    [InlineData("beta2", 1.0, "beta2 must be in [0, 1) (got 1)")]
    [InlineData("one_minus_beta1", 1.5, "asgo: one_minus_beta1 = 1.5 must be a number in [0, 1]")]
    [InlineData("adam_beta2", 1.0, "adam_beta2 must be in [0, 1) (got 1)")]
    [InlineData("weight_decay", -1.0, "asgo: weight_decay = -1 must be a number in [0, inf]")]
    public void InvalidHyperparametersFailAtInitNamingTheField(string field, object value, string message)
    {
        using var q = new Fixtures.Quadratic();
        var bad = new Hyperparameters(new Dictionary<string, object> { [field] = value });
        var e = Assert.ThrowsAny<ArgumentException>(() => new Asgo().Init(new AlgorithmInitContext(q.Parameters, bad, Fixtures.Workload(), 0)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ScaleByAsgoRejectsVectorParameters()
    {
        var b = Fixtures.Param("b", [1, 2, 3], ParameterType.Bias);
        var e = Assert.Throws<ArgumentException>(() => new TransformOptimizer([b], new ScaleByAsgo(new AsgoConfig())));
        Assert.Contains("asgo preconditions matrices, but parameter 'b' has shape [3]", e.Message);
        b.Tensor.Dispose();
    }
}
