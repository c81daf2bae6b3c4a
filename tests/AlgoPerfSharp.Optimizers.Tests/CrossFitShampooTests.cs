using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Cross-fitted Shampoo against a float64 loop written from the official BiasCorrectedShampoo's equations: a 2×2
/// matrix on the Shampoo path (its inverse roots by the spectral projectors of a symmetric 2×2, no eigensolver) and a
/// bias of 3 on the cross-fitted Adam path, with and without the variance correction.
/// </summary>
public sealed class CrossFitShampooTests
{
    private static readonly double[] A = [1, 3, 10, 0.5, 30, 2, 5];   // f(w) = ½ Σ aᵢ(wᵢ − cᵢ)²: W = w[0..4] (row-major), b = w[4..7]
    private static readonly double[] C = [1, -1, 0.5, 2, -0.3, 0.7, 1.5];
    private static readonly double[] W0 = [0.2, 0.1, -0.4, 0.3, 0.0, -0.1, 0.25];
    private const int Groups = 4, F = 3;
    private const double Lr = 0.05, Beta1 = 0.9, Beta2 = 0.95, Damping = 1e-3, AdamBeta1 = 0.9, AdamBeta2 = 0.99, Eps = 1e-8, Wd = 0.05;

    private static WorkloadInfo Workload => new("test_quadratic", LossType.MeanSquaredError, 20, 3600, 1000, 16);

    private static ModelParameter[] Parameters() =>
        [Fixtures.Param("w", [2, 2], W0[..4], ParameterType.Weight), Fixtures.Param("b", [3], W0[4..], ParameterType.Bias)];

    private static double[] Flat(IReadOnlyList<ModelParameter> ps) => ps.SelectMany(Fixtures.Values).ToArray();

    private static double[] GroupGradient(double[] w, int t, int j) =>
        w.Select((x, i) => (A[i] * (x - C[i])) + (0.8 * Math.Sin((t * (j + 1)) + i) * (j - 1.5))).ToArray();

    private sealed class FakeOracle(ModelParameter[] ps) : IStepOracle
    {
        private int _t;

        public int Examples => 16;

        public double LossAndGradients() => throw new NotSupportedException();

        public double Loss() => throw new NotSupportedException();

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
        {
            double[] w = Flat(ps);
            var gs = Enumerable.Range(0, groups).Select(j => GroupGradient(w, _t, j)).ToArray();
            _t++;
            Fixtures.SetGrad(ps[0], Enumerable.Range(0, 4).Select(i => gs.Average(g => g[i])).ToArray());
            Fixtures.SetGrad(ps[1], Enumerable.Range(4, 3).Select(i => gs.Average(g => g[i])).ToArray());
            return [.. gs.Select(g => new SubBatchGradients(0, 4, [Tensor.From<double>(g.AsSpan(0, 4), [2, 2]), Tensor.From<double>(g.AsSpan(4))]))];
        }

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets) => throw new NotSupportedException();

        public int DrawMoreData(int batches) => throw new NotSupportedException();
    }

    // 2×2 matrices as double[4], row-major
    private static double[] Mul(double[] x, double[] y) =>
        [(x[0] * y[0]) + (x[1] * y[2]), (x[0] * y[1]) + (x[1] * y[3]), (x[2] * y[0]) + (x[3] * y[2]), (x[2] * y[1]) + (x[3] * y[3])];

    private static double[] T(double[] x) => [x[0], x[2], x[1], x[3]];

    private static double[] Add(double[] x, double[] y, double s = 1) => x.Zip(y, (a, b) => a + (s * b)).ToArray();

    private static double[] Scale(double[] x, double s) => x.Select(a => a * s).ToArray();

    private static double[] Eye(double s) => [s, 0, 0, s];

    /// <summary>Eigenvalues of a symmetric 2×2 and their spectral projectors E_k = (S − μ_other·I)/(μ_k − μ_other).</summary>
    private static (double[] Mu, double[][] E) Spectral(double[] s)
    {
        double mid = (s[0] + s[3]) / 2, half = Math.Sqrt((((s[0] - s[3]) / 2) * ((s[0] - s[3]) / 2)) + (s[1] * s[1]));
        double[] mu = [mid - half, mid + half];
        return (mu, [Scale(Add(s, Eye(mu[1]), -1), 1 / (mu[0] - mu[1])), Scale(Add(s, Eye(mu[0]), -1), 1 / (mu[1] - mu[0]))]);
    }

    /// <summary>Advances S with the sample's outer products and returns its (corrected) inverse fourth root.</summary>
    private static double[] Refresh(ref double[] s, double[][] outer, bool correction)
    {
        double[] previous = s;
        double[] mean = Scale(outer.Aggregate((x, y) => Add(x, y)), 1.0 / outer.Length);
        s = Add(Scale(s, Beta2), mean, 1 - Beta2);
        var (mu, e) = Spectral(Add(s, Eye(Damping)));
        double[] root = new double[4];
        for (int k = 0; k < 2; k++)
        {
            double d = Math.Pow(mu[k], -0.25);
            if (correction)
            {
                double[] ell = outer.Select(o =>
                {
                    double[] sj = Add(Add(Scale(previous, Beta2), o, 1 - Beta2), Eye(Damping));
                    double[] es = Mul(e[k], sj);
                    return es[0] + es[3];                                   // tr(E_k S_j) = q_kᵀ S_j q_k
                }).ToArray();
                double m = ell.Average();
                double variance = ell.Sum(x => (x - m) * (x - m)) / (ell.Length - 1) / ell.Length;
                d = Math.Max(0, d - (5.0 / 32.0 * Math.Pow(mu[k], -2.25) * variance));
            }

            root = Add(root, e[k], d);
        }

        return root;
    }

    private static double[][] Reference(int steps, bool correction)
    {
        double[] w = (double[])W0.Clone(), mW = new double[4], l = new double[4], r = new double[4], pl = Eye(1), pr = Eye(1);
        double[] m = new double[3], v = new double[3];
        var ws = new double[steps][];
        for (int t = 1; t <= steps; t++)
        {
            var gs = Enumerable.Range(0, Groups).Select(j => GroupGradient(w, t - 1, j)).ToArray();
            double[][] bW = [gs[2][..4], gs[3][..4]];
            double[] gA = Add(gs[0][..4], gs[1][..4]).Select(x => x / 2).ToArray();

            // the matrix: momentum from A, statistics from B every F steps, U = P_L·M·P_R
            mW = Add(Scale(mW, Beta1), gA, 1 - Beta1);
            if ((t - 1) % F == 0)
            {
                pl = Refresh(ref l, [.. bW.Select(g => Mul(g, T(g)))], correction);
                pr = Refresh(ref r, [.. bW.Select(g => Mul(T(g), g))], correction);
            }

            double[] u = Mul(Mul(pl, mW), pr);
            for (int i = 0; i < 4; i++) w[i] -= (Lr * Wd * w[i]) + (Lr * u[i]);

            // the bias: cross-fitted Adam
            double bc1 = 1 - Math.Pow(AdamBeta1, t), bc2 = 1 - Math.Pow(AdamBeta2, t);
            for (int i = 0; i < 3; i++)
            {
                double a = (gs[0][4 + i] + gs[1][4 + i]) / 2;
                double[] gB = [gs[2][4 + i], gs[3][4 + i]];
                double variance = 0;
                if (correction)
                {
                    double[] p = gB.Select(g => Math.Sqrt(((AdamBeta2 * v[i]) + ((1 - AdamBeta2) * g * g)) / bc2)).ToArray();
                    variance = p.Sum(x => (x - p.Average()) * (x - p.Average())) / (p.Length * (p.Length - 1));
                }

                m[i] = (AdamBeta1 * m[i]) + ((1 - AdamBeta1) * a);
                v[i] = (AdamBeta2 * v[i]) + ((1 - AdamBeta2) * gB.Average(g => g * g));
                double d = Math.Sqrt(v[i] / bc2) + Eps;
                w[4 + i] -= (Lr * Wd * w[4 + i]) + (Lr * (m[i] / bc1) * Math.Max(0, (1 / d) - (variance / (d * d * d))));
            }

            ws[t - 1] = (double[])w.Clone();
        }

        return ws;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TwentyFiveStepsMatchTheReferenceLoop(bool correction)
    {
        const int steps = 25;
        var expected = Reference(steps, correction);
        var ps = Parameters();
        var oracle = new FakeOracle(ps);
        var point = new Hyperparameters(new Dictionary<string, object>
        {
            ["learning_rate"] = Lr, ["one_minus_beta1"] = 1 - Beta1, ["beta2"] = Beta2, ["damping"] = Damping, ["precondition_frequency"] = (double)F,
            ["adam_beta1"] = AdamBeta1, ["adam_beta2"] = AdamBeta2, ["adam_epsilon"] = Eps, ["weight_decay"] = Wd, ["lr_schedule"] = "constant",
            ["microbatches"] = (double)Groups, ["variance_correction"] = correction,
        });
        using var run = new CrossFitShampoo().Init(new AlgorithmInitContext(ps, point, Workload, 0));
        for (int t = 0; t < steps; t++)
        {
            using var scope = new DisposeScope();
            run.Update(new StepContext(t, ps, Workload, 0, [], oracle));
            double[] got = Flat(ps);
            for (int i = 0; i < got.Length; i++)
            {
                Assert.True(Math.Abs(expected[t][i] - got[i]) <= 1e-10 * (1 + Math.Abs(expected[t][i])), $"step {t + 1} [{i}]: {got[i]:R} vs {expected[t][i]:R}");
            }
        }

        Assert.Equal(1, run.Diagnostics()["cross_fit_shampoo/matrices"]);
        Assert.NotEqual(Reference(steps, true)[^1][0], Reference(steps, false)[^1][0]);
        Fixtures.DisposeAll(ps);
    }
}
