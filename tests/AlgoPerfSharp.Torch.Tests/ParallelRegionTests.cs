using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// The shim's parallel regions (torch/native/src/parallel.h: ats::parallel_range and ats::parallel_bins). Each kernel
/// runs on one intra-op thread (no region: one serial pass, BLAS on one thread) and on two (a real region): the results
/// are the same bits where the work is elementwise, per row, or a reduction over fixed chunks, and equal within rounding
/// where a GEMM, QR or eigh runs single-threaded inside a region instead of on the BLAS threads. ATen's grad mode reaches
/// the region's other thread, and an exception thrown on either thread of a region comes back as the usual one-line
/// error. (A range cut wrongly — a gap, an overlap, a bin skipped or run twice — changes the two-thread result.)
/// </summary>
public sealed class ParallelRegionTests
{
    // Three tensors, 147,106 elements: two threads' ranges of 2^15 or more cut across a tensor boundary.
    private static readonly long[][] Shapes = [[70001], [5], [300, 257]];

    private static T OnThreads<T>(int threads, Func<T> run)
    {
        int before = TorchRuntime.NumThreads;
        try
        {
            TorchRuntime.NumThreads = threads;
            return run();
        }
        finally
        {
            TorchRuntime.NumThreads = before;
        }
    }

    private static void OnThreads(int threads, Action run) => OnThreads(threads, () =>
    {
        run();
        return 0;
    });

    private static Tensor[] Normal(Generator gen, DType dtype) => [.. Shapes.Select(s => Tensor.RandN(s, gen, dtype))];

    private static Tensor[] Positive(Generator gen, DType dtype) => [.. Shapes.Select(s => Tensor.Rand(s, gen, dtype).Add(0.1))];

    /// <summary>
    /// Runs <paramref name="step"/> on fresh copies of <paramref name="inputs"/> on one thread and on two; every tensor it
    /// returns (in float64, exact for float32) must hold the same bits both times, and differ from <paramref name="inputs"/>[0].
    /// </summary>
    private static void AssertSameBits(Tensor[][] inputs, Func<Tensor[][], Tensor[]> step, string what)
    {
        double[][] Run(int threads)
        {
            var copy = inputs.Select(list => list.Select(t => t.Clone()).ToArray()).ToArray();
            return [.. OnThreads(threads, () => step(copy)).Select(t => t.To(DType.Float64).ToArray<double>())];
        }

        double[][] one = Run(1), two = Run(2);
        Assert.Equal(one.Length, two.Length);
        for (int k = 0; k < one.Length; k++)
        {
            Assert.Equal(one[k].Length, two[k].Length);
            for (int i = 0; i < one[k].Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(one[k][i]) == BitConverter.DoubleToInt64Bits(two[k][i]), $"{what}: output {k}[{i}] one thread {one[k][i]:R}, two {two[k][i]:R}");
            }
        }

        // The step did something: its first output is not the untouched first input (else equal bits prove nothing).
        var before = inputs[0][0].To(DType.Float64).ToArray<double>();
        Assert.Contains(Enumerable.Range(0, Math.Min(before.Length, one[0].Length)), i => before[i] != one[0][i]);
    }

    private static void AssertClose(double[] expected, double[] actual, double relative, double floor, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Max(Math.Abs(expected[i]), floor), $"{what}[{i}]: {actual[i]:R} vs {expected[i]:R}");
        }
    }

    /// <summary>Runs <paramref name="step"/> on copies on one thread and on two and returns both results (float64).</summary>
    private static (double[][] One, double[][] Two) OneAndTwo(Tensor[][] inputs, Func<Tensor[][], Tensor[]> step)
    {
        double[][] Run(int threads)
        {
            var copy = inputs.Select(list => list.Select(t => t.Clone()).ToArray()).ToArray();
            return [.. OnThreads(threads, () => step(copy)).Select(t => t.To(DType.Float64).ToArray<double>())];
        }

        return (Run(1), Run(2));
    }

    [Fact]
    public void TheShimsRegionsAreReal()
    {
        // Without OpenMP in parallel.cpp (or with ALGOPERF_SHIM_REGIONS=0) every region below runs serially and the
        // comparisons would compare serial with serial (what happened to every at::parallel_for of the shim before h-omp).
        Assert.True(TorchRuntime.Info().ShimParallelRegions);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void FusedElementwiseStepsGiveTheSameBitsOnOneAndTwoThreads(DType dtype)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(31);
        double[] ones = [.. Shapes.Select(_ => 1.0)], decays = [.. Shapes.Select((_, k) => 0.01 * (k + 1))];
        double[] scales = [.. Shapes.Select((_, k) => -0.1 / (k + 1))];

        // Schedule-Free AdamW: y, g, z, x, v.
        AssertSameBits([Normal(gen, dtype), Normal(gen, dtype), Normal(gen, dtype), Normal(gen, dtype), Positive(gen, dtype)], t =>
        {
            FusedSteps.ScheduleFreeInPlace(t[0], t[1], t[2], t[3], t[4], decay: -1e-4, hasDecay: true, beta1: 0.9, beta2: 0.999, eps: 1e-8, gamma: 0.01, c: 0.3);
            return [.. t[0], .. t[2], .. t[3], .. t[4]];
        }, "schedule-free");

        // Sophia: w, g, m, h.
        AssertSameBits([Normal(gen, dtype), Normal(gen, dtype), Normal(gen, dtype), Positive(gen, dtype)], t =>
        {
            FusedSteps.SophiaInPlace(t[0], t[1], t[2], t[3], decays, scales, beta1: 0.96, rho: 0.04, eps: 1e-12, decay: true, apply: true);
            return [.. t[0], .. t[2]];
        }, "sophia");

        // SGD with Nesterov momentum: w, g, buffer.
        AssertSameBits([Normal(gen, dtype), Normal(gen, dtype), Normal(gen, dtype)], t =>
        {
            FusedSteps.MomentumInPlace(t[0], t[1], t[2], decays, scales, momentum: 0.9, nesterov: true, decay: true, apply: true);
            return [.. t[0], .. t[2]];
        }, "momentum");

        // Adam: w, g, m, v.
        AssertSameBits([Normal(gen, dtype), Normal(gen, dtype), Normal(gen, dtype), Positive(gen, dtype)], t =>
        {
            FusedSteps.AdamInPlace(t[0], t[1], t[2], t[3], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, bc1: 0.19, bc2Sqrt: 0.045, nesterov: false, apply: true);
            return [.. t[0], .. t[2], .. t[3]];
        }, "adam");

        // Moving averages of squares, and lerp into fresh outputs: t, s / out, a, b.
        AssertSameBits([Positive(gen, dtype), Normal(gen, dtype)], t =>
        {
            FusedSteps.EmaManyInPlace(t[0], t[1], beta: 0.99, weight: 0.01, square: true);
            return t[0];
        }, "ema");
        AssertSameBits([Normal(gen, dtype), Normal(gen, dtype), Normal(gen, dtype)], t =>
        {
            FusedSteps.LerpInto(t[0], t[1], t[2], weight: 0.7);
            return t[0];
        }, "lerp");
        AssertSameBits([Normal(gen, dtype), Normal(gen, dtype)], t =>
        {
            FusedSteps.LerpManyInPlace(t[0], t[1], ones.Select(_ => 0.1).ToArray());
            return t[0];
        }, "lerp many");

        // Cross-fitted Adam's direction over one tensor of 150,000 elements and three sample gradients.
        Tensor[] One(bool positive) => [positive ? Tensor.Rand([150000], gen, dtype).Add(0.1) : Tensor.RandN([150000], gen, dtype)];
        AssertSameBits([One(false), One(false), One(true), One(false), One(false), One(false)], t =>
        {
            FusedSteps.CrossFitAdamInPlace(t[0][0], t[1][0], t[2][0], [t[3][0], t[4][0], t[5][0]], beta1: 0.9, beta2: 0.999, eps: 1e-8, bc1: 0.19, bc2: 0.002, correction: true);
            return [t[0][0], t[1][0], t[2][0]];
        }, "cross-fit");
    }

    [Fact]
    public void TheFinitenessCheckFindsANaNInTheOtherThreadsRange()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(32);
        var ts = Normal(gen, DType.Float32);
        Assert.True(OnThreads(2, () => FusedSteps.AllFinite(ts)));
        using (var last = ts[2].Reshape([-1]).Narrow(0, ts[2].NumElements - 1, 1)) last.FillInPlace(double.NaN);
        Assert.False(OnThreads(2, () => FusedSteps.AllFinite(ts)));
        Assert.False(OnThreads(1, () => FusedSteps.AllFinite(ts)));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void FixedChunkReductionsDoNotDependOnTheThreadCount(DType dtype)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(33);
        var ts = Normal(gen, dtype);

        // Σ x² per tensor (float64 partials of fixed 2^15-element chunks): the same bits, and the float64 sum.
        double[] one = OnThreads(1, () => FusedSteps.SumSquares(ts)), two = OnThreads(2, () => FusedSteps.SumSquares(ts));
        for (int k = 0; k < ts.Length; k++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(one[k]), BitConverter.DoubleToInt64Bits(two[k]));
            double sum = ts[k].To(DType.Float64).ToArray<double>().Sum(x => x * x);
            Assert.True(Math.Abs(sum - two[k]) <= 1e-12 * sum, $"tensor {k}: {two[k]:R} vs {sum:R}");
        }

        // DASGO's direction (columns split in pass 1, fixed row blocks in pass 2) and its Σ D².
        var g = Tensor.RandN([300, 257], gen, dtype);
        var m = Tensor.RandN([300, 257], gen, dtype);
        var p = Tensor.Rand([257], gen, dtype).Add(0.1);
        double ss1 = 0, ss2 = 0;
        AssertSameBits([[m], [g], [p]], t =>
        {
            var (d, ss) = FusedSteps.DasgoDirection(t[1][0], t[0][0], t[2][0], 0.1, 0.05, 1e-8);
            if (TorchRuntime.NumThreads == 1) ss1 = ss; else ss2 = ss;
            return [t[0][0], t[2][0], d];
        }, "dasgo");
        Assert.Equal(BitConverter.DoubleToInt64Bits(ss1), BitConverter.DoubleToInt64Bits(ss2));

        // L-BFGS's dots and combinations over five 8192-element blocks.
        IReadOnlyList<Tensor>[] vectors = [.. Enumerable.Range(0, 4).Select(_ => new[] { Tensor.RandN([40000], gen, dtype) })];
        (int, int)[] pairs = [(0, 1), (0, 2), (0, 3), (1, 1), (2, 3), (3, 0)];
        double[] d1 = OnThreads(1, () => VectorKernels.Dots(vectors, [40000], pairs)), d2 = OnThreads(2, () => VectorKernels.Dots(vectors, [40000], pairs));
        Assert.Equal(d1.Select(BitConverter.DoubleToInt64Bits), d2.Select(BitConverter.DoubleToInt64Bits));
        var c = new double[,] { { 1, -0.5, 0.25, 0 }, { 0, 2, 0, -1 } };
        Tensor[] Combined(int threads) => OnThreads(threads, () =>
        {
            Tensor[] outputs = [Tensor.Empty([40000], dtype), Tensor.Empty([40000], dtype)];
            VectorKernels.Combine(vectors, [40000], c, outputs);
            return outputs;
        });
        var (c1, c2) = (Combined(1), Combined(2));
        for (int k = 0; k < 2; k++) Assert.Equal(c1[k].To(DType.Float64).ToArray<double>(), c2[k].To(DType.Float64).ToArray<double>());
    }

    [Fact]
    public void RmsNormAndRotaryRowsAreSplitWithoutChangingThem()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(34);

        // RMSNorm over 64 rows of 1024 (32 rows per thread): y and dx the same bits; dw sums one or two row chunks.
        var x = Tensor.RandN([64, 1024], gen);
        var w = Tensor.RandN([1024], gen);
        var r = Tensor.RandN([64, 1024], gen);
        (double[] Y, double[] Dx, double[] Dw) Norm(int threads) => OnThreads(threads, () =>
        {
            var xi = x.Clone().RequiresGradInPlace();
            var wi = w.Clone().RequiresGradInPlace();
            var y = Functional.RmsNorm(xi, wi, 1e-5);
            (y * r).Sum().Backward();
            return (y.To(DType.Float64).ToArray<double>(), xi.Grad!.To(DType.Float64).ToArray<double>(), wi.Grad!.To(DType.Float64).ToArray<double>());
        });
        var (n1, n2) = (Norm(1), Norm(2));
        Assert.Equal(n1.Y, n2.Y);
        Assert.Equal(n1.Dx, n2.Dx);
        AssertClose(n1.Dw, n2.Dw, 1e-5, 1, "RMSNorm dw"); // float32 partial sums of 64 rows added in another order

        // Rotary embedding over 2 × 4 × 128 rows of 64 (512 rows per thread): y and dx the same bits.
        var q = Tensor.RandN([2, 128, 4, 64], gen).Transpose(1, 2);
        var cos = Tensor.RandN([128, 64], gen);
        var sin = Tensor.RandN([128, 64], gen);
        var gy = Tensor.RandN([2, 4, 128, 64], gen);
        (double[] Y, double[] Dx) Rope(int threads) => OnThreads(threads, () =>
        {
            var qi = q.Clone().RequiresGradInPlace();
            var y = Functional.RotaryEmbedding(qi, cos, sin);
            (y * gy).Sum().Backward();
            return (y.Contiguous().To(DType.Float64).ToArray<double>(), qi.Grad!.Contiguous().To(DType.Float64).ToArray<double>());
        });
        var (r1, r2) = (Rope(1), Rope(2));
        Assert.Equal(r1.Y, r2.Y);
        Assert.Equal(r1.Dx, r2.Dx);
    }

    [Fact]
    public void AttentionSlicesOnTwoThreadsEqualTheSerialSlices()
    {
        // Six (batch, head) slices, causal, float64: the output and q, k, v gradients on one and two threads.
        using var scope = new DisposeScope();
        using var gen = new Generator(35);
        var q = Tensor.RandN([2, 3, 16, 8], gen, DType.Float64);
        var k = Tensor.RandN([2, 3, 16, 8], gen, DType.Float64);
        var v = Tensor.RandN([2, 3, 16, 8], gen, DType.Float64);
        var gy = Tensor.RandN([2, 3, 16, 8], gen, DType.Float64);
        double[][] Run(int threads) => OnThreads(threads, () =>
        {
            var (qi, ki, vi) = (q.Clone().RequiresGradInPlace(), k.Clone().RequiresGradInPlace(), v.Clone().RequiresGradInPlace());
            var y = Functional.ScaledDotProductAttention(qi, ki, vi, causal: true);
            (y * gy).Sum().Backward();
            return new[] { y, qi.Grad!, ki.Grad!, vi.Grad! }.Select(t => t.Contiguous().ToArray<double>()).ToArray();
        });
        var (one, two) = (Run(1), Run(2));
        string[] names = ["y", "dq", "dk", "dv"];
        for (int i = 0; i < names.Length; i++) AssertClose(one[i], two[i], 1e-12, 1, "attention " + names[i]);
    }

    [Fact]
    public void NewtonSchulzBinsOnTwoThreadsEqualTheSerialBatches()
    {
        // Seven small matrices of three shapes: dealt to the two threads (single-threaded GEMMs), or all on one.
        using var scope = new DisposeScope();
        using var gen = new Generator(36);
        long[][] shapes = [[16, 24], [24, 16], [16, 24], [12, 30], [16, 24], [30, 12], [20, 20]];
        Tensor[][] inputs = [[.. shapes.Select(s => Tensor.RandN(s, gen, DType.Float64))]];
        double[] scales = [.. shapes.Select((_, i) => 1.0 + (0.25 * i))];
        var (one, two) = OneAndTwo(inputs, t =>
        {
            FusedSteps.NewtonSchulzManyInPlace(t[0], scales, 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64);
            return t[0];
        });
        for (int i = 0; i < shapes.Length; i++) AssertClose(one[i], two[i], 1e-12, 1, $"X{i}");
        Assert.NotEqual(inputs[0][0].ToArray<double>(), one[0]);
    }

    [Fact]
    public void GradModeReachesEveryThreadOfARegion()
    {
        // Leaf matrices that require grad, written in place under the caller's no-grad mode. The region's second thread
        // would see grad mode on (ATen's default for a new thread) and refuse the in-place write on a leaf, unless the
        // caller's thread-local state is carried to it.
        using var scope = new DisposeScope();
        using var gen = new Generator(37);
        var xs = Enumerable.Range(0, 4).Select(_ => Tensor.RandN([8, 12], gen, DType.Float64)).ToArray();
        var expected = xs.Select(x => x.Clone()).ToArray();
        double[] scales = [1, 1, 1, 1];
        OnThreads(1, () => FusedSteps.NewtonSchulzManyInPlace(expected, scales, 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64));
        foreach (var x in xs) x.RequiresGradInPlace();
        OnThreads(2, () => FusedSteps.NewtonSchulzManyInPlace(xs, scales, 5, 3.4445, -4.7750, 2.0315, 1e-7, DType.Float64));
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.True(xs[i].RequiresGrad);
            Assert.True(xs[i].IsLeaf); // written under no-grad: still a leaf
            AssertClose(expected[i].ToArray<double>(), xs[i].Detach().ToArray<double>(), 1e-12, 1, $"X{i}");
        }
    }

    [Fact]
    public void RefreshBinsOnTwoThreadsEqualTheSerialRefreshes()
    {
        // SOAP's QR refresh and the eigh refresh of factors of sides 40, 40, 24, 24 and 8 (dealt to two threads, or all
        // on one thread), against each other; eigenvectors compared up to sign.
        using var scope = new DisposeScope();
        using var gen = new Generator(38);
        long[] sides = [40, 40, 24, 24, 8];
        var statistics = sides.Select(d => { var a = Tensor.RandN([d, 2 * d], gen, DType.Float64); return a.Mm(a.T()); }).ToArray();
        Tensor[] Bases() => [.. sides.Select(d => Tensor.Eye(d, dtype: DType.Float64))];

        (long[]?[] Orders, double[][] Q) Soap(int threads) => OnThreads(threads, () =>
        {
            var q = Bases();
            var orders = FusedSteps.SoapRefreshInPlace(statistics, q);
            return (orders, q.Select(t => t.ToArray<double>()).ToArray());
        });
        var (s1, s2) = (Soap(1), Soap(2));
        for (int i = 0; i < sides.Length; i++)
        {
            Assert.Equal(s1.Orders[i]!, s2.Orders[i]!);
            AssertClose(s1.Q[i], s2.Q[i], 1e-10, 1, $"SOAP Q{i}");
            Assert.NotEqual(Tensor.Eye(sides[i], dtype: DType.Float64).ToArray<double>(), s2.Q[i]); // refreshed
        }

        double[][] Eigh(int threads) => OnThreads(threads, () =>
        {
            var q = Bases();
            Assert.All(FusedSteps.EighRefreshInPlace(statistics, q, [.. sides.Select(_ => 2.0)], [.. sides.Select(_ => 1e-10)]), b => Assert.True(b));
            return q.Select(t => t.Abs().ToArray<double>()).ToArray();
        });
        var (e1, e2) = (Eigh(1), Eigh(2));
        for (int i = 0; i < sides.Length; i++)
        {
            AssertClose(e1[i], e2[i], 1e-9, 1, $"|eigh Q{i}|");
            Assert.NotEqual(Tensor.Eye(sides[i], dtype: DType.Float64).ToArray<double>(), e2[i]);
        }
    }

    [Fact]
    public void SymmetricRankKBinsEqualTheFloat64Update()
    {
        // F ← β·F + α·A·Aᵀ for four factors (dealt to two threads), against the same update in C# float64 loops.
        using var scope = new DisposeScope();
        using var gen = new Generator(39);
        long[] sides = [48, 48, 32, 32];
        double[] betas = [0.9, 0.8, 0.7, 0.6], alphas = [0.1, 0.2, 0.3, 0.4];
        var a = sides.Select(d => Tensor.RandN([d, 2 * d], gen, DType.Float64)).ToArray();
        var f0 = sides.Select(d => { var b = Tensor.RandN([d, d], gen, DType.Float64); return b.Mm(b.T()); }).ToArray();
        var (one, two) = OneAndTwo([f0], t =>
        {
            FusedSteps.SymmetricRankKManyInPlace(t[0], a, betas, alphas);
            return t[0];
        });
        for (int k = 0; k < sides.Length; k++)
        {
            int n = (int)sides[k], m = 2 * n;
            double[] av = a[k].ToArray<double>(), fv = f0[k].ToArray<double>(), want = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < m; c++) dot += av[(i * m) + c] * av[(j * m) + c];
                    want[(i * n) + j] = (betas[k] * fv[(i * n) + j]) + (alphas[k] * dot);
                }
            }

            AssertClose(want, two[k], 1e-12, 1, $"F{k} two threads");
            AssertClose(want, one[k], 1e-12, 1, $"F{k} one thread");
        }
    }

    [Fact]
    public void EigenvalueCorrectedBlocksOnTwoThreadsEqualTheSerialBlocks()
    {
        // Four equal-cost blocks (dealt two per thread): directions and updated second moments on one and two threads.
        using var scope = new DisposeScope();
        using var gen = new Generator(40);
        long[][] shapes = [[20, 12], [12, 20], [20, 12], [12, 20]];
        Tensor[] Make(Func<long[], Tensor> make) => [.. shapes.Select(make)];
        var m = Make(s => Tensor.RandN(s, gen, DType.Float64));
        var g = Make(s => Tensor.RandN(s, gen, DType.Float64));
        var d = Make(s => Tensor.Rand(s, gen, DType.Float64).Add(0.1));
        var left = Make(s => Tensor.RandN([s[0], s[0]], gen, DType.Float64));
        var right = Make(s => Tensor.RandN([s[1], s[1]], gen, DType.Float64));
        double[] beta2 = [0.99, 0.99, 0.95, 0.95], weight = [0.01, 0.01, 0.05, 0.05], eps = [1e-8, 1e-8, 1e-8, 1e-8];
        var (one, two) = OneAndTwo([d], t =>
        {
            var p = FusedSteps.EigenvalueCorrectedDirections(m, g, t[0], left, right, beta2, weight, eps);
            return [.. p, .. t[0]];
        });
        for (int i = 0; i < one.Length; i++) AssertClose(one[i], two[i], 1e-12, 1, i < 4 ? $"P{i}" : $"D{i - 4}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void AnExceptionOnEitherThreadOfARegionIsTheUsualOneLineError(int bad)
    {
        // Two equal rank-k updates dealt one per thread; the one whose A is float64 against a float32 F fails inside ATen
        // on its thread. The caller gets that error as a TorchException of one line, and the shim stays usable.
        using var scope = new DisposeScope();
        using var gen = new Generator(41);
        var f = new[] { Tensor.Zeros([8, 8]), Tensor.Zeros([8, 8]) };
        var a = new[] { Tensor.RandN([8, 4], gen), Tensor.RandN([8, 4], gen) };
        a[bad] = a[bad].To(DType.Float64);
        var e = Assert.Throws<TorchException>(() =>
        {
            OnThreads(2, () => FusedSteps.SymmetricRankKManyInPlace(f, a, [1.0, 1.0], [1.0, 1.0]));
        });
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
        a[bad] = a[bad].To(DType.Float32);
        f[bad] = Tensor.Zeros([8, 8]);
        OnThreads(2, () => FusedSteps.SymmetricRankKManyInPlace(f, a, [1.0, 1.0], [1.0, 1.0]));
        AssertClose(a[bad].Mm(a[bad].T()).To(DType.Float64).ToArray<double>(), f[bad].To(DType.Float64).ToArray<double>(), 1e-5, 1, "F after the error");
    }
}
