using System.Reflection;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Sparse;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Row-sparse updates of embedding tables: SGD equals the dense step bit for bit; lazy Adam equals a float64 loop
/// written here, equals dense Adam when every row is present, and differs from it (as documented) on absent rows.
/// </summary>
public sealed class RowSparseStepsTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SgdOnTheLookedUpRowsEqualsTheDenseStepBitForBit(DType dtype)
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(11);
        const long V = 10, D = 32;
        var w = Tensor.RandN([V, D], gen, dtype);
        // an uncoalesced gradient (row 4 three times, row 7 twice), coalesced once so both steps see the same values
        var raw = Tensor.SparseFromRows(Tensor.From<long>([4, 1, 7, 4, 9, 4, 7]), Tensor.RandN([7, D], gen, dtype), V);
        var (rows, values) = raw.SparseRows();
        var g = Tensor.SparseFromRows(rows, values, V);
        const double lr = 0.37;

        var dense = Doubles(w.Add(g.ToDense(), -lr));
        var before = Doubles(w);
        RowSparseSteps.Sgd(w, g, lr);
        var sparse = Doubles(w);

        Assert.Equal(dense, sparse); // bit for bit, absent rows included
        foreach (long r in new long[] { 0, 2, 3, 5, 6, 8 })
        {
            Assert.Equal(before.AsSpan((int)(r * D), (int)D).ToArray(), sparse.AsSpan((int)(r * D), (int)D).ToArray());
        }

        Assert.NotEqual(before[(int)(4 * D)], sparse[(int)(4 * D)]);
    }

    [Fact]
    public void LazyAdamMatchesAFloat64LoopAndLeavesAbsentRowsExactlyAlone()
    {
        using var scope = new DisposeScope();
        const int V = 6, D = 4;
        long[][] steps = [[0, 2, 2, 5], [1, 2], [0, 1, 2, 3, 4, 5]];
        var w0 = Init(V, D, 0.3);
        var w = Tensor.From<double>(w0, [V, D]);
        var m = Tensor.Zeros([V, D], DType.Float64);
        var v = Tensor.Zeros([V, D], DType.Float64);
        var reference = new AdamReference(w0, lazy: true);
        double[]? afterFirst = null, mAfterFirst = null, vAfterFirst = null;
        for (int t = 0; t < steps.Length; t++)
        {
            var values = Init(steps[t].Length, D, 1.7 + t);
            RowSparseSteps.LazyAdam(w, Tensor.SparseFromRows(Tensor.From<long>(steps[t]), Tensor.From<double>(values, [steps[t].Length, D]), V),
                m, v, t + 1, Lr, Beta1, Beta2, Eps, Decay);
            reference.Step(steps[t], values, t + 1);
            AssertClose(reference.W, w.ToArray<double>());
            AssertClose(reference.M, m.ToArray<double>());
            AssertClose(reference.V, v.ToArray<double>());
            if (t == 0)
            {
                (afterFirst, mAfterFirst, vAfterFirst) = (w.ToArray<double>(), m.ToArray<double>(), v.ToArray<double>());
            }
            else if (t == 1)
            {
                foreach (int r in new[] { 0, 3, 4, 5 }) // absent from step 2: w, m and v exactly as after step 1
                {
                    Assert.Equal(afterFirst!.AsSpan(r * D, D).ToArray(), w.ToArray<double>().AsSpan(r * D, D).ToArray());
                    Assert.Equal(mAfterFirst!.AsSpan(r * D, D).ToArray(), m.ToArray<double>().AsSpan(r * D, D).ToArray());
                    Assert.Equal(vAfterFirst!.AsSpan(r * D, D).ToArray(), v.ToArray<double>().AsSpan(r * D, D).ToArray());
                }
            }
        }
    }

    [Fact]
    public void LazyAdamEqualsDenseAdamOnlyWhileEveryRowIsPresent()
    {
        const int V = 3, D = 2;
        var w0 = Init(V, D, 0.5);
        long[] all = [0, 1, 2];
        var lazy = new AdamReference(w0, lazy: true);
        var dense = new AdamReference(w0, lazy: false);
        for (int t = 1; t <= 2; t++)
        {
            var g = Init(V, D, t);
            lazy.Step(all, g, t);
            dense.Step(all, g, t);
        }

        Assert.Equal(dense.W, lazy.W); // the same arithmetic while every row is present

        var g3 = Init(1, D, 3);
        lazy.Step([1], g3, 3);
        dense.Step([1], g3, 3);
        // row 0 was absent from step 3: dense Adam decays its moments and still moves it by lr·m̂/(√v̂ + ε) + lr·λ·w
        Assert.True(Math.Abs(dense.W[0] - lazy.W[0]) > 1e-4, $"{dense.W[0]} vs {lazy.W[0]}");
        Assert.Equal(Beta1 * lazy.M[0], dense.M[0], 15);
        Assert.Equal(dense.W[D], lazy.W[D]); // row 1, present, has the same history under both rules
    }

    [Fact]
    public void DenseGradientsAndBadArgumentsAreRefused()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Zeros([4, 2]);
        var sparse = Tensor.SparseFromRows(Tensor.From<long>([1]), Tensor.Ones([1, 2]), 4);
        Assert.Contains("the gradient is dense", Assert.Throws<ArgumentException>(() => RowSparseSteps.Sgd(w, Tensor.Ones([4, 2]), 0.1)).Message);
        Assert.Contains("differs from the parameter's [4, 2]", Assert.Throws<ArgumentException>(() => RowSparseSteps.Sgd(w, Tensor.SparseFromRows(Tensor.From<long>([1]), Tensor.Ones([1, 2]), 5), 0.1)).Message);
        Assert.Contains("beta2 must be in [0, 1)", Assert.Throws<ArgumentException>(() => RowSparseSteps.LazyAdam(w, sparse, Tensor.Zeros([4, 2]), Tensor.Zeros([4, 2]), 1, 0.1, beta2: 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RowSparseSteps.LazyAdam(w, sparse, Tensor.Zeros([4, 2]), Tensor.Zeros([4, 2]), 0, 0.1));
        Assert.Equal(new float[8], w.ToArray<float>()); // untouched
    }

    [Fact]
    public void NoBuiltInAlgorithmAcceptsSparseGradients()
    {
        var builtIns = typeof(AdamW).Assembly.GetCustomAttributes<TrainingAlgorithmAttribute>().ToList();
        Assert.True(builtIns.Count >= 10);
        foreach (var a in builtIns)
        {
            var algorithm = (ITrainingAlgorithm)Activator.CreateInstance(a.AlgorithmType)!;
            Assert.False(algorithm.AcceptsSparseGradients, algorithm.Name);
        }
    }

    private const double Lr = 0.05, Beta1 = 0.9, Beta2 = 0.99, Eps = 1e-8, Decay = 0.1;

    // float32 → float64 is exact, so bitwise comparisons survive it
    private static double[] Doubles(Tensor t) => t.To(DType.Float64).ToArray<double>();

    private static double[] Init(int rows, int cols, double phase)
    {
        var x = new double[rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = Math.Sin((1.3 * i) + phase);
        return x;
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-13 * (1 + Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }

    /// <summary>
    /// Adam with decoupled decay in float64, one row at a time: w ← w − lr·(m̂/(√v̂ + ε) + λ·w). lazy: only the rows
    /// given are updated; dense: every row is, absent rows with a zero gradient.
    /// </summary>
    private sealed class AdamReference(double[] w0, bool lazy)
    {
        public double[] W { get; } = (double[])w0.Clone();

        public double[] M { get; } = new double[w0.Length];

        public double[] V { get; } = new double[w0.Length];

        public void Step(long[] rows, double[] values, int t)
        {
            int d = values.Length / rows.Length;
            int n = W.Length / d;
            var g = new double[W.Length];
            var present = new bool[n];
            for (int k = 0; k < rows.Length; k++)
            {
                present[rows[k]] = true;
                for (int j = 0; j < d; j++) g[(rows[k] * d) + j] += values[(k * d) + j]; // repeats add up
            }

            for (int r = 0; r < n; r++)
            {
                if (lazy && !present[r]) continue;
                for (int j = 0; j < d; j++)
                {
                    int i = (r * d) + j;
                    M[i] = (Beta1 * M[i]) + ((1 - Beta1) * g[i]);
                    V[i] = (Beta2 * V[i]) + ((1 - Beta2) * g[i] * g[i]);
                    double mh = M[i] / (1 - Math.Pow(Beta1, t)), vh = V[i] / (1 - Math.Pow(Beta2, t));
                    W[i] -= Lr * ((mh / (Math.Sqrt(vh) + Eps)) + (Decay * W[i]));
                }
            }
        }
    }
}
