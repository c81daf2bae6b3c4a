using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Finite-difference gradient checks in float64: for L = Σ f(x) ⊙ R with a fixed random R (R = 1 for a scalar f), every element of every
/// input's autograd gradient must match the central difference (L(x + εe) − L(x − εe)) / 2ε, ε = 1e-6, to
/// |analytic − numeric| ≤ 1e-8 + 1e-6·|numeric|.
/// </summary>
public sealed class GradCheckTests
{
    private const double Eps = 1e-6;
    private const double RelTol = 1e-6;
    private const double AbsTol = 1e-8;

    private static double[] Rand(ulong seed, params long[] shape)
    {
        using var g = new Generator(seed);
        using var t = Tensor.RandN(shape, g, DType.Float64);
        return t.ToArray<double>();
    }

    /// <summary>Checks d(Σ f(inputs) ⊙ R)/d(inputs) against central differences; returns the largest |gradient| seen.</summary>
    private static double GradCheck(Func<Tensor[], Tensor> f, params (double[] Data, long[] Shape)[] inputs)
    {
        using var scope = new DisposeScope();
        var leaves = inputs.Select(i => Tensor.From<double>(i.Data, i.Shape).RequiresGradInPlace()).ToArray();
        var output = f(leaves);
        using var g = new Generator(2024);
        var projection = output.NumElements == 1 ? Tensor.Ones(output.Shape, DType.Float64) : Tensor.RandN(output.Shape, g, DType.Float64);
        (output * projection).Sum().Backward();
        var analytic = leaves.Select(l => l.Grad!.ToArray<double>()).ToArray();

        var data = inputs.Select(i => (double[])i.Data.Clone()).ToArray();
        double Loss()
        {
            using var s = new DisposeScope();
            using var ng = Autograd.NoGrad();
            var ts = data.Select((d, k) => Tensor.From<double>(d, inputs[k].Shape)).ToArray();
            return (f(ts) * projection).Sum().ToDouble();
        }

        double largest = 0;
        for (int k = 0; k < data.Length; k++)
        {
            for (int j = 0; j < data[k].Length; j++)
            {
                double saved = data[k][j];
                data[k][j] = saved + Eps;
                double plus = Loss();
                data[k][j] = saved - Eps;
                double minus = Loss();
                data[k][j] = saved;
                double numeric = (plus - minus) / (2 * Eps);
                double a = analytic[k][j];
                Assert.True(
                    Math.Abs(a - numeric) <= AbsTol + RelTol * Math.Abs(numeric),
                    $"input {k} element {j}: autograd {a:R}, finite difference {numeric:R}, diff {Math.Abs(a - numeric):E2}");
                largest = Math.Max(largest, Math.Abs(a));
            }
        }

        return largest;
    }

    [Fact]
    public void Conv2dWithStridePaddingAndGroups()
    {
        // x (2, 4, 5, 5), w (6, 2, 3, 3) with groups 2, stride (2, 1), padding (1, 2): output (2, 6, 3, 7).
        double largest = GradCheck(
            t => Functional.Conv2d(t[0], t[1], t[2], stride: (2, 1), padding: (1, 2), groups: 2),
            (Rand(1, 2, 4, 5, 5), [2, 4, 5, 5]),
            (Rand(2, 6, 2, 3, 3), [6, 2, 3, 3]),
            (Rand(3, 6), [6]));
        Assert.True(largest > 0.5);
    }

    [Fact]
    public void Conv2dWithDilation()
    {
        double largest = GradCheck(
            t => Functional.Conv2d(t[0], t[1], null, dilation: 2, padding: 1),
            (Rand(4, 1, 2, 6, 6), [1, 2, 6, 6]),
            (Rand(5, 3, 2, 2, 2), [3, 2, 2, 2]));
        Assert.True(largest > 0.5);
    }

    [Fact]
    public void BatchNormInTrainingMode()
    {
        // Batch statistics depend on every input, so the Jacobian is dense: a good test of the backward formula.
        using var runningMean = Tensor.Zeros([3], DType.Float64);
        using var runningVar = Tensor.Ones([3], DType.Float64);
        double largest = GradCheck(
            t => Functional.BatchNorm(t[0], runningMean, runningVar, t[1], t[2], training: true, momentum: 0.1, eps: 1e-5),
            (Rand(6, 4, 3, 2, 2), [4, 3, 2, 2]),
            (Rand(7, 3), [3]),
            (Rand(8, 3), [3]));
        Assert.True(largest > 0.5);
    }

    [Fact]
    public void LayerNormOverTwoTrailingDims()
    {
        double largest = GradCheck(
            t => Functional.LayerNorm(t[0], [3, 4], t[1], t[2], eps: 1e-5),
            (Rand(9, 2, 3, 4), [2, 3, 4]),
            (Rand(10, 3, 4), [3, 4]),
            (Rand(11, 3, 4), [3, 4]));
        Assert.True(largest > 0.5);
    }

    [Fact]
    public void EmbeddingWithRespectToWeight()
    {
        using var idx = Tensor.From<long>([0, 2, 2, 3, 0, 1], [2, 3]);
        double largest = GradCheck(t => Functional.Embedding(idx, t[0]), (Rand(12, 5, 3), [5, 3]));
        Assert.True(largest > 0.5);

        // Row 4 is never looked up: its gradient is exactly zero; row 2 is looked up twice: it accumulates.
        using var w = Tensor.From<double>(Rand(12, 5, 3), [5, 3]).RequiresGradInPlace();
        using (var scope = new DisposeScope())
        {
            Functional.Embedding(idx, w).Sum().Backward();
        }

        using var grad = w.Grad!;
        Assert.Equal(new double[] { 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0 }, grad.ToArray<double>());
    }

    [Fact]
    public void SoftmaxAttentionComposedFromEinsumAndMatMul()
    {
        // q, k, v (B=2, T=3, D=4): softmax(q kᵀ / √D) v.
        double largest = GradCheck(
            t =>
            {
                var scores = Tensor.Einsum("btd,bsd->bts", t[0], t[1]) * (1 / Math.Sqrt(4)); // (B, T, T)
                return Functional.Softmax(scores, -1).MatMul(t[2]); // (B, T, D)
            },
            (Rand(13, 2, 3, 4), [2, 3, 4]),
            (Rand(14, 2, 3, 4), [2, 3, 4]),
            (Rand(15, 2, 3, 4), [2, 3, 4]));
        Assert.True(largest > 0.1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedAttentionOnStridedHeads(bool causal)
    {
        // q (B=2, T=3, H=2, d=3) and k, v with S=4 keys, heads split out by a transpose (strided, as in the models).
        double largest = GradCheck(
            t => Functional.ScaledDotProductAttention(t[0].Transpose(1, 2), t[1].Transpose(1, 2), t[2].Transpose(1, 2), causal),
            (Rand(31, 2, 3, 2, 3), [2, 3, 2, 3]),
            (Rand(32, 2, 4, 2, 3), [2, 4, 2, 3]),
            (Rand(33, 2, 4, 2, 5), [2, 4, 2, 5]));
        Assert.True(largest > 0.1);
    }

    [Fact]
    public void FusedPackedAttention()
    {
        // A (B=2, T=3, 3·H·d = 12) projection viewed as qkv (B, T, 3, H=2, d=2).
        double largest = GradCheck(t => Functional.ScaledDotProductAttentionPacked(t[0].View(2, 3, 3, 2, 2), causal: true), (Rand(40, 2, 3, 12), [2, 3, 12]));
        Assert.True(largest > 0.1);
    }

    [Fact]
    public void RmsNormWithoutWeightOverManyRows()
    {
        // No weight: the fused node gets a constant one and skips the weight gradient; 40 rows over both threads.
        double largest = GradCheck(t => Functional.RmsNorm(t[0], null, eps: 1e-5), (Rand(34, 40, 3), [40, 3]));
        Assert.True(largest > 0.1);
    }

    [Fact]
    public void RmsNormWeightGradientSumsOverEveryRow()
    {
        // 66 rows on 2 threads: the weight gradient is two chunks' partial sums added together.
        int threads = TorchRuntime.NumThreads;
        try
        {
            TorchRuntime.NumThreads = 2;
            double largest = GradCheck(t => Functional.RmsNorm(t[0], t[1], eps: 1e-5), (Rand(35, 2, 33, 4), [2, 33, 4]), (Rand(36, 4), [4]));
            Assert.True(largest > 0.1);
        }
        finally
        {
            TorchRuntime.NumThreads = threads;
        }
    }

    [Fact]
    public void RotaryEmbeddingOnStridedHeads()
    {
        // x (B=2, T=3, H=2, d=4) with heads split out by a transpose; tables with more rows than T.
        var cos = Tensor.From<double>(Rand(37, 5, 4), [5, 4]);
        var sin = Tensor.From<double>(Rand(38, 5, 4), [5, 4]);
        double largest = GradCheck(t => Functional.RotaryEmbedding(t[0].Transpose(1, 2), cos, sin), (Rand(39, 2, 3, 2, 4), [2, 3, 2, 4]));
        Assert.True(largest > 0.1);
        cos.Dispose();
        sin.Dispose();
    }

    [Fact]
    public void LogSoftmaxAlongTheFirstDim()
    {
        double largest = GradCheck(t => Functional.LogSoftmax(t[0], 0), (Rand(16, 4, 3), [4, 3]));
        Assert.True(largest > 0.1);
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothingIgnoreIndexAndWeights()
    {
        using var target = Tensor.From<long>([1, 0, 4, 2, 3], [5]);
        using var weight = Tensor.From<double>([1.0, 0.5, 2.0, 1.5, 0.7]);
        double largest = GradCheck(
            t => Functional.CrossEntropy(t[0], target, weight, Reduction.Mean, ignoreIndex: 3, labelSmoothing: 0.15),
            (Rand(17, 5, 5), [5, 5]));
        Assert.True(largest > 0.01);
        GradCheck(t => Functional.CrossEntropy(t[0], target, labelSmoothing: 0.3, reduction: Reduction.Sum), (Rand(18, 5, 5), [5, 5]));
    }

    [Fact]
    public void RmsNormWithWeight()
    {
        double largest = GradCheck(
            t => Functional.RmsNorm(t[0], t[1], eps: 1e-6),
            (Rand(19, 3, 5), [3, 5]),
            (Rand(20, 5), [5]));
        Assert.True(largest > 0.5);
    }

    [Fact]
    public void LinearAndMseLoss()
    {
        using var target = Tensor.From<double>(Rand(21, 4, 2), [4, 2]);
        double largest = GradCheck(
            t => Functional.MseLoss(Functional.Linear(t[0], t[1], t[2]), target),
            (Rand(22, 4, 3), [4, 3]),
            (Rand(23, 2, 3), [2, 3]),
            (Rand(24, 2), [2]));
        Assert.True(largest > 0.1);
    }
}
