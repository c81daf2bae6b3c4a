using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using MathNet.Numerics.LinearAlgebra;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>research/optimizers.md §9.10 (Muon) and Muon's parameter routing, hyperparameter validation and NS config.</summary>
public sealed class MuonTests
{
    private static readonly NewtonSchulz Ns64 = new(dtype: DType.Float64);

    private static ModelParameter Matrix(string name, double[] values, long[] shape, ParameterType type = ParameterType.Weight) =>
        Fixtures.Param(name, shape, values, type);

    private static double[] Orthogonalize(NewtonSchulz ns, double[] values, long[] shape)
    {
        using var scope = new DisposeScope();
        return ns.Orthogonalize(Tensor.From<double>(values, shape)).Contiguous().ToArray<double>();
    }

    [Fact]
    public void NewtonSchulzInputIsTheNesterovBlendOfMomentumAndGradient()
    {
        // §9.10 (i): at step t the NS input is β²·M_{t−1} + (1−β²)·G_t. Check it at step 2, where M_1 = (1−β)·G_1,
        // by comparing the float64 update with NS applied to that closed form (NS is nonlinear, so this pins its input).
        const double beta = 0.9;
        long[] shape = [3, 5];
        var rng = new Random(7);
        double[] g1 = Enumerable.Range(0, 15).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        double[] g2 = Enumerable.Range(0, 15).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        var p = Matrix("w", new double[15], shape);
        using var opt = new TransformOptimizer([p], new ScaleByMuon(beta, nesterov: true, Ns64));
        Fixtures.SetGrad(p, g1);
        opt.Step();
        double[] w1 = p.Tensor.ToArray<double>();
        Fixtures.SetGrad(p, g2);
        opt.Step();
        double[] w2 = p.Tensor.ToArray<double>();

        double[] m1 = g1.Select(g => (1 - beta) * g).ToArray();
        double[] input2 = m1.Zip(g2, (m, g) => (beta * beta * m) + ((1 - (beta * beta)) * g)).ToArray();
        double[] expected2 = Orthogonalize(Ns64, input2, shape);
        double[] expected1 = Orthogonalize(Ns64, g1.Select(g => (1 - (beta * beta)) * g).ToArray(), shape);
        for (int i = 0; i < 15; i++)
        {
            Assert.Equal(expected1[i], w1[i], 1e-12);
            Assert.Equal(expected2[i], w2[i] - w1[i], 1e-12);
        }

        // The momentum buffer holds M_2 = β·M_1 + (1−β)·G_2.
        using var state = new AlgorithmState();
        opt.Save(state);
        double[] m2 = state.Tensor("optimizer.state.m0.0").ToArray<double>();
        for (int i = 0; i < 15; i++) Assert.Equal((beta * m1[i]) + ((1 - beta) * g2[i]), m2[i], 1e-15);
        p.Tensor.Dispose();
    }

    [Fact]
    public void ABatchOfSameShapeMatricesGivesEachMatrixItsOwnResult()
    {
        // The batched native iteration must equal the iteration run on each matrix alone, for tall inputs (transposed
        // inside), strided views (written through), and the scale. The per-matrix oracle is a plain float64 loop of
        // the NS5 recurrence on MathNet matrices, independent of libtorch.
        var rng = new Random(11);
        double[][] values = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 30).Select(_ => (rng.NextDouble() * 2) - 1).ToArray()).ToArray();
        using var scope = new DisposeScope();
        var a = Tensor.From<double>(values[0], [6, 5]);
        var b = Tensor.From<double>(values[1], [6, 5]);
        var cT = Tensor.From<double>(values[2], [5, 6]).T(); // (6, 5), not contiguous
        Ns64.OrthogonalizeInPlace([a, b, cT], scale: 2);
        double[][] results = [a.ToArray<double>(), b.ToArray<double>(), cT.Contiguous().ToArray<double>()];
        for (int k = 0; k < 3; k++)
        {
            var x = k < 2
                ? Matrix<double>.Build.Dense(6, 5, (i, j) => values[k][(i * 5) + j])
                : Matrix<double>.Build.Dense(6, 5, (i, j) => values[k][(j * 6) + i]);
            x = x.Transpose(); // the wide orientation (5 × 6)
            x /= x.FrobeniusNorm() + Ns64.Epsilon;
            for (int s = 0; s < 5; s++)
            {
                var gram = x * x.Transpose();
                x = (Ns64.A * x) + (((Ns64.B * gram) + (Ns64.C * gram * gram)) * x);
            }

            for (int i = 0; i < 6; i++)
            {
                for (int j = 0; j < 5; j++) Assert.Equal(2 * x[j, i], results[k][(i * 5) + j], 1e-12);
            }
        }

        var bad = Assert.Throws<ArgumentException>(() => Ns64.OrthogonalizeInPlace([a, Tensor.Zeros([5, 6], DType.Float64)]));
        Assert.Contains("a Newton–Schulz batch needs one shape (got [5, 6] and [6, 5]); group the matrices by shape", bad.Message);
        Assert.Equal([6, 5], a.Shape); // nothing was overwritten by the rejected call
    }

    [Fact]
    public void ScaleByMuonGroupsParametersByTheirMatrixShapeWithoutChangingTheirUpdates()
    {
        // Two 4×6 weights and a 4×2×3 kernel (viewed 4×6) form one batch, a 6×4 weight another; each update must be
        // the step-1 closed form NS((1−β²)·G) · √max(1, rows/cols) of that parameter alone.
        const double beta = 0.9;
        long[][] shapes = [[4, 6], [4, 2, 3], [6, 4], [4, 6]];
        var rng = new Random(5);
        double[][] grads = shapes.Select(_ => Enumerable.Range(0, 24).Select(_ => (rng.NextDouble() * 2) - 1).ToArray()).ToArray();
        var ps = shapes.Select((s, i) => Matrix("w" + i, new double[24], s)).ToList();
        using var opt = new TransformOptimizer(ps, new ScaleByMuon(beta, nesterov: true, Ns64));
        for (int i = 0; i < ps.Count; i++) Fixtures.SetGrad(ps[i], grads[i]);
        opt.Step();
        for (int i = 0; i < ps.Count; i++)
        {
            long rows = shapes[i][0];
            double[] expected = Orthogonalize(Ns64, grads[i].Select(g => (1 - (beta * beta)) * g).ToArray(), [rows, 24 / rows]);
            double scale = ScaleByMuon.ShapeScale(shapes[i]);
            double[] w = ps[i].Tensor.ToArray<double>();
            for (int j = 0; j < 24; j++) Assert.Equal(scale * expected[j], w[j], 1e-12);
        }

        foreach (var p in ps) p.Tensor.Dispose();
    }

    [Theory]
    [InlineData(DType.Float32, 0.05)]
    [InlineData(DType.BFloat16, 0.1)]
    public void NewtonSchulzKeepsTheSingularVectorsOfAGaussianMatrix(DType dtype, double offDiagonalBound)
    {
        // §9.10 (ii): for Gaussian 512×256 G, NS5 in fp32 has ‖offdiag(U_Gᵀ·NS5(G)·V_G)‖_F ≤ 0.05·‖NS5(G)‖_F and the
        // singular values of NS5(G) lie in [0.5, 1.5]. The oracle SVD is MathNet's (managed, independent of libtorch).
        // bfloat16 (8-bit mantissa) rounds every product, which leaks ≈ 7% into the off-diagonal here; it gets 0.1.
        const int m = 512, n = 256;
        using var scope = new DisposeScope();
        using var gen = new Generator(1234);
        var g = Tensor.RandN([m, n], gen, DType.Float32);
        var o = new NewtonSchulz(dtype: dtype).Orthogonalize(g);
        Assert.Equal(DType.Float32, o.DType);
        Assert.Equal([m, n], o.Shape);

        var gm = Matrix<double>.Build.DenseOfColumnMajor(m, n, RowMajorToColumnMajor(g.To(DType.Float64).ToArray<double>(), m, n));
        var om = Matrix<double>.Build.DenseOfColumnMajor(m, n, RowMajorToColumnMajor(o.Contiguous().To(DType.Float64).ToArray<double>(), m, n));
        var svd = gm.Svd(computeVectors: true);
        var u = svd.U.SubMatrix(0, m, 0, n);
        var v = svd.VT.Transpose();
        var core = u.TransposeThisAndMultiply(om).Multiply(v);
        double off = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (i != j) off += core[i, j] * core[i, j];
            }
        }

        Assert.True(Math.Sqrt(off) <= offDiagonalBound * om.FrobeniusNorm(), $"off-diagonal {Math.Sqrt(off)} vs ‖NS5(G)‖_F {om.FrobeniusNorm()}");
        var singular = om.Svd(computeVectors: false).S;
        Assert.True(singular.Minimum() >= 0.5 && singular.Maximum() <= 1.5, $"singular values in [{singular.Minimum()}, {singular.Maximum()}]");
    }

    private static double[] RowMajorToColumnMajor(double[] a, int rows, int cols)
    {
        var r = new double[a.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) r[(j * rows) + i] = a[(i * cols) + j];
        }

        return r;
    }

    /// <summary>Five iterations of σ ← aσ + bσ³ + cσ⁵ written out independently of <see cref="NewtonSchulz.Map"/>.</summary>
    private static double ScalarNs5(double sigma)
    {
        for (int k = 0; k < 5; k++)
        {
            sigma = (3.4445 * sigma) + (-4.7750 * Math.Pow(sigma, 3)) + (2.0315 * Math.Pow(sigma, 5));
        }

        return sigma;
    }

    [Fact]
    public void UpdateIsScaledBySqrtOfAspectRatioAndDecayIsAppliedBeforeTheStep()
    {
        // §9.10 (iii) with exact numbers. A 4×2 weight whose gradient is 3·[I₂; 0] has two equal singular values, so
        // NS acts on the scalar σ₀ = c/(c·√2 + 1e-7) with c = 3(1−β²) (the step-1 Nesterov blend of the gradient),
        // giving NS(U) = σ₅·[I₂; 0]/1 with σ₅ the five-fold scalar map. Scale max(1, 4/2)^½ = √2, then
        // W₁ = W₀(1 − ηλ) − η·√2·σ₅·[I₂; 0].
        const double lr = 0.1, wd = 0.5, beta = 0.95;
        double[] pattern = [1, 0, 0, 1, 0, 0, 0, 0];
        foreach (var (type, shape) in new (ParameterType, long[])[] { (ParameterType.Weight, [4, 2]), (ParameterType.ConvWeight, [4, 2, 1, 1]) })
        {
            var p = Matrix("w", [1, 1, 1, 1, 1, 1, 1, 1], shape, type);
            var hp = new Hyperparameters(new Dictionary<string, object>
            {
                ["learning_rate"] = lr, ["weight_decay"] = wd, ["warmup_factor"] = 0.0, ["ns_dtype"] = "float64",
            });
            using var run = new Muon().Init(new AlgorithmInitContext([p], hp, Fixtures.Workload(1000), 0));
            run.Update(new StepContext(0, [p], Fixtures.Workload(1000), 0, [], () =>
            {
                Fixtures.SetGrad(p, pattern.Select(x => 3 * x).ToArray());
                return 0;
            }));

            double c = 3 * (1 - (beta * beta));
            double sigma5 = ScalarNs5(c / ((c * Math.Sqrt(2)) + 1e-7));
            double[] w = p.Tensor.ToArray<double>();
            for (int i = 0; i < 8; i++)
            {
                double step = Math.Sqrt(2) * sigma5 * pattern[i];
                double decayFirst = (1 * (1 - (lr * wd))) - (lr * step);
                double decayAfter = (1 - (lr * step)) * (1 - (lr * wd));
                Assert.Equal(decayFirst, w[i], 1e-12);
                if (pattern[i] != 0) Assert.True(Math.Abs(decayAfter - w[i]) > 1e-3, "decay must use the pre-update weights");
            }

            p.Tensor.Dispose();
        }
    }

    [Fact]
    public void EmbeddingsHeadBiasesAndNormsTakeAdamWithTheAuxDefaults()
    {
        // Step 1 of Adam from zero state is sign descent: W₁ = W₀ − η·G/(|G| + ε) with the aux defaults η = 3e-4 (the
        // schedule's peak with warm-up 0), ε = 1e-10 and no decay. A hidden weight in the same model takes Muon instead.
        double[] g = [0.5, -2.0, 1e-3, -4.0];
        var embedding = Matrix("embed", [1, 2, 3, 4], [2, 2], ParameterType.Embedding);
        var head = Matrix("head", [1, 2, 3, 4], [2, 2], ParameterType.OutputHead);
        var bias = Matrix("bias", [1, 2, 3, 4], [4], ParameterType.Bias);
        var norm = Matrix("norm", [1, 2, 3, 4], [4], ParameterType.NormScale);
        var hidden = Matrix("hidden", [1, 2, 3, 4], [2, 2], ParameterType.AttentionQ);
        ModelParameter[] all = [embedding, head, bias, norm, hidden];
        Assert.Equal([false, false, false, false, true], all.Select(Muon.IsMuonParameter));
        var hp = new Hyperparameters(new Dictionary<string, object> { ["warmup_factor"] = 0.0 });
        using var run = new Muon().Init(new AlgorithmInitContext(all, hp, Fixtures.Workload(1000), 0));
        run.Update(new StepContext(0, all, Fixtures.Workload(1000), 0, [], () =>
        {
            foreach (var p in all) Fixtures.SetGrad(p, g);
            return 0;
        }));
        foreach (var p in all[..4])
        {
            double[] w = p.Tensor.ToArray<double>();
            for (int i = 0; i < 4; i++) Assert.Equal(i + 1 - (3e-4 * g[i] / (Math.Abs(g[i]) + 1e-10)), w[i], 1e-15);
        }

        double[] h = hidden.Tensor.ToArray<double>();
        Assert.NotEqual(1 - (3e-4 * 0.5 / (0.5 + 1e-10)), h[0], 1e-6);
        foreach (var p in all) p.Tensor.Dispose();
    }

    [Fact]
    public void NewtonSchulzMapMatchesTheReferencePolynomialAndRejectsBadConfigs()
    {
        // p(1) = 3.4445 − 4.7750 + 2.0315 = 0.701 (research/optimizers.md §7).
        Assert.Equal(0.701, NewtonSchulz.Muon.Map(1), 1e-12);
        Assert.Null(NewtonSchulz.Muon.DType); // auto, as the muon algorithm's default ns_dtype (see the agreement test)
        Assert.Equal(DType.BFloat16, NewtonSchulz.Muon.WorkingDType(Device.Cuda()));
        Assert.Equal(FusedSteps.CpuHasNativeBFloat16 ? DType.BFloat16 : DType.Float32, new NewtonSchulz(dtype: null).WorkingDType(Device.Cpu));
        Assert.Equal(DType.BFloat16, new NewtonSchulz(dtype: null).WorkingDType(Device.Cuda()));
        Assert.Equal(5, NewtonSchulz.Muon.Steps);
        Assert.Contains("steps must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => new NewtonSchulz(steps: 0)).Message);
        Assert.Contains("dtype must be BFloat16, Float32 or Float64 (got Int64)", Assert.Throws<ArgumentException>(() => new NewtonSchulz(dtype: DType.Int64)).Message);
        Assert.Contains("a must be finite", Assert.Throws<ArgumentException>(() => new NewtonSchulz(a: double.NaN)).Message);
        Assert.Contains("epsilon must be finite and ≥ 0 (got -1)", Assert.Throws<ArgumentException>(() => new NewtonSchulz(epsilon: -1)).Message);
        using var scope = new DisposeScope();
        Assert.Contains("needs a 2-D matrix (got shape [4])", Assert.Throws<ArgumentException>(() => NewtonSchulz.Muon.Orthogonalize(Tensor.Zeros([4]))).Message);
        Assert.Contains("momentum must be in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new ScaleByMuon(1.0)).Message);
    }

    [Fact]
    public void TheMuonAlgorithmAndNewtonSchulzMuonRunTheSameIteration()
    {
        // The muon algorithm's default ns_dtype is auto; NewtonSchulz.Muon (ScaleByMuon's default) must be the same
        // configuration, so both iterate in the reference's bfloat16 on CUDA and on CPUs with native bfloat16, else in float32.
        var defaults = Muon.ReadNewtonSchulz(new HyperparameterReader(Hyperparameters.Empty, new Muon().Declared));
        Assert.Equal(NewtonSchulz.Muon, defaults);
        Assert.Equal(NewtonSchulz.Muon, new ScaleByMuon().Orthogonalizer);
        var cpu = FusedSteps.CpuHasNativeBFloat16 ? DType.BFloat16 : DType.Float32;
        Assert.Equal(cpu, defaults.WorkingDType(Device.Cpu));
        Assert.Equal(cpu, NewtonSchulz.Muon.WorkingDType(Device.Cpu));
        Assert.Equal(DType.BFloat16, NewtonSchulz.Muon.WorkingDType(Device.Cuda()));
    }

    [Theory]
    [InlineData("learning_rate", -1.0, "muon: learning_rate = -1 must be a number in [0, inf]")]
    [InlineData("one_minus_beta1", 1.5, "muon: one_minus_beta1 = 1.5 must be a number in [0, 1]")]
    [InlineData("weight_decay", -0.1, "muon: weight_decay = -0.1 must be a number in [0, inf]")]
    [InlineData("adam_learning_rate", 0.0, "adam_learning_rate must be a finite number > 0 (got 0)")]
    [InlineData("adam_beta2", 1.0, "adam_beta2 must be in [0, 1) (got 1)")]
    [InlineData("adam_epsilon", -1e-8, "muon: adam_epsilon = -1E-08 must be a number in [0, inf]")]
    [InlineData("ns_steps", 2.5, "muon: ns_steps = 2.5 must be a whole number in [1, 100]")]
    [InlineData("ns_dtype", "int8", "muon: ns_dtype = \"int8\" must be one of auto|bfloat16|float32|float64")]
    public void InvalidHyperparametersFailAtInitNamingTheField(string field, object value, string message)
    {
        using var q = new Fixtures.Quadratic();
        var bad = new Hyperparameters(new Dictionary<string, object> { [field] = value });
        var e = Assert.ThrowsAny<ArgumentException>(() => new Muon().Init(new AlgorithmInitContext(q.Parameters, bad, Fixtures.Workload(), 0)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ScaleByMuonRejectsVectorParameters()
    {
        var b = Fixtures.Param("b", [1, 2, 3], ParameterType.Bias);
        var e = Assert.Throws<ArgumentException>(() => new TransformOptimizer([b], new ScaleByMuon()));
        Assert.Contains("parameter 'b' has shape [3]", e.Message);
        b.Tensor.Dispose();
    }
}
