using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Values of the functional ops against hand computations, and against PyTorch 1.13 where stated (numbers printed by
/// <c>/usr/bin/python3 tests/reference/nn_reference.py</c>).
/// </summary>
public sealed class NnFunctionalTests
{
    // Shared by the cross-entropy tests (same values as in nn_reference.py).
    private static readonly double[] Logits = [2.0, -1.0, 0.5, 0.1, 0.2, 0.3, -1.5, 3.0, 0.0, 1.0, 1.0, -2.0];
    private static readonly long[] Targets = [0, 2, 1, 1];

    private static double[] LogSoftmaxRow(double[] logits, int row, int classes)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < classes; c++) max = Math.Max(max, logits[(row * classes) + c]);
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += Math.Exp(logits[(row * classes) + c] - max);
        var r = new double[classes];
        for (int c = 0; c < classes; c++) r[c] = logits[(row * classes) + c] - max - Math.Log(sum);
        return r;
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothingMatchesTheHandFormula()
    {
        // loss_i = −(1 − ε)·log p[i, t_i] − (ε / C)·Σ_c log p[i, c], mean over rows.
        using var logits = Tensor.From<double>(Logits, [4, 3]);
        using var target = Tensor.From<long>(Targets);
        const double eps = 0.2;
        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            var lp = LogSoftmaxRow(Logits, i, 3);
            expected += (-(1 - eps) * lp[Targets[i]]) - (eps / 3 * lp.Sum());
        }

        expected /= 4;
        using var loss = Functional.CrossEntropy(logits, target, labelSmoothing: eps);
        Assert.Equal(expected, loss.ToDouble(), 1e-12);
        Assert.Equal(0.7600259897064767, loss.ToDouble(), 1e-12); // PyTorch: ce_ls0.2_mean
    }

    [Fact]
    public void CrossEntropyIgnoreIndexLeavesRowsOutOfTheMean()
    {
        using var logits = Tensor.From<double>(Logits, [4, 3]);
        using var target = Tensor.From<long>(Targets);
        // Targets equal to 1 (rows 2 and 3) are ignored: mean of −log p over rows 0 and 1 only.
        double expected = -(LogSoftmaxRow(Logits, 0, 3)[0] + LogSoftmaxRow(Logits, 1, 3)[2]) / 2;
        using var loss = Functional.CrossEntropy(logits, target, ignoreIndex: 1);
        Assert.Equal(expected, loss.ToDouble(), 1e-12);
    }

    [Fact]
    public void CrossEntropyWithWeightsSmoothingAndIgnoreIndexMatchesPyTorch()
    {
        // PyTorch: F.cross_entropy(logits, target, weight=[1, 2, 0.5], ignore_index=1, label_smoothing=0.1).
        using var logits = Tensor.From<double>(Logits, [4, 3]);
        using var target = Tensor.From<long>(Targets);
        using var weight = Tensor.From<double>([1.0, 2.0, 0.5]);
        using var mean = Functional.CrossEntropy(logits, target, weight, Reduction.Mean, 1, 0.1);
        using var sum = Functional.CrossEntropy(logits, target, weight, Reduction.Sum, 1, 0.1);
        using var none = Functional.CrossEntropy(logits, target, weight, Reduction.None, 1, 0.1);
        Assert.Equal(0.700956065954232, mean.ToDouble(), 1e-12);
        Assert.Equal(1.051434098931348, sum.ToDouble(), 1e-12);
        TestUtil.AssertClose([0.470333151601443, 0.5811009473299049, 0.0, 0.0], none, 1e-12);
    }

    [Fact]
    public void NllLossAndLogSoftmaxComposeToCrossEntropy()
    {
        using var logits = Tensor.From<double>(Logits, [4, 3]);
        using var target = Tensor.From<long>(Targets);
        using var logp = Functional.LogSoftmax(logits, 1);
        using var nll = Functional.NllLoss(logp, target, reduction: Reduction.None);
        var expected = Enumerable.Range(0, 4).Select(i => -LogSoftmaxRow(Logits, i, 3)[Targets[i]]).ToArray();
        TestUtil.AssertClose(expected, nll, 1e-12);
        using var sm = Functional.Softmax(logits, -1);
        TestUtil.AssertClose(Enumerable.Range(0, 12).Select(k => Math.Exp(LogSoftmaxRow(Logits, k / 3, 3)[k % 3])).ToArray(), sm, 1e-12);
    }

    [Fact]
    public void MseLossReductions()
    {
        using var x = Tensor.From<double>([1, 2, 3, 4], [2, 2]);
        using var y = Tensor.From<double>([0, 2, 5, 1], [2, 2]);
        using var none = Functional.MseLoss(x, y, Reduction.None);
        TestUtil.AssertClose([1, 0, 4, 9], none, 0);
        using var sum = Functional.MseLoss(x, y, Reduction.Sum);
        Assert.Equal(14.0, sum.ToDouble());
        using var mean = Functional.MseLoss(x, y);
        Assert.Equal(3.5, mean.ToDouble());
    }

    [Fact]
    public void BatchNormTrainingUsesBatchStatsAndUpdatesRunningStatsLikePyTorch()
    {
        // x (N=2, C=2, H=1, W=2): channel 0 holds {1, 2, 3, 6}, channel 1 holds {−1, 0, 5, 4}.
        double[] data = [1, 2, -1, 0, 3, 6, 5, 4];
        using var x = Tensor.From<double>(data, [2, 2, 1, 2]);
        using var rm = Tensor.From<double>([0.5, -1.0]);
        using var rv = Tensor.From<double>([1.0, 2.0]);
        using var w = Tensor.From<double>([2.0, 0.5]);
        using var b = Tensor.From<double>([0.0, 1.0]);
        const double eps = 1e-5, momentum = 0.1;
        using var y = Functional.BatchNorm(x, rm, rv, w, b, training: true, momentum: momentum, eps: eps);

        double[][] channel = [[1, 2, 3, 6], [-1, 0, 5, 4]];
        var mean = channel.Select(c => c.Average()).ToArray();                                      // 3, 2
        var biasedVar = channel.Select((c, k) => c.Sum(v => (v - mean[k]) * (v - mean[k])) / 4).ToArray(); // 3.5, 6.5
        var expected = new double[8];
        int[] channelOf = [0, 0, 1, 1, 0, 0, 1, 1];
        double[] wv = [2.0, 0.5], bv = [0.0, 1.0];
        for (int i = 0; i < 8; i++)
        {
            int c = channelOf[i];
            expected[i] = ((data[i] - mean[c]) / Math.Sqrt(biasedVar[c] + eps) * wv[c]) + bv[c];
        }

        TestUtil.AssertClose(expected, y, 1e-12);
        // running = 0.9·running + 0.1·batch, with the UNBIASED variance (n / (n − 1) = 4/3).
        TestUtil.AssertClose([(0.9 * 0.5) + (0.1 * 3), (0.9 * -1.0) + (0.1 * 2)], rm, 1e-12);
        TestUtil.AssertClose([(0.9 * 1.0) + (0.1 * 3.5 * 4 / 3), (0.9 * 2.0) + (0.1 * 6.5 * 4 / 3)], rv, 1e-12);

        // Evaluation uses the running statistics and leaves them alone.
        var rmv = rm.ToArray<double>();
        var rvv = rv.ToArray<double>();
        using var z = Functional.BatchNorm(x, rm, rv, w, b, training: false, eps: eps);
        for (int i = 0; i < 8; i++)
        {
            int c = channelOf[i];
            expected[i] = ((data[i] - rmv[c]) / Math.Sqrt(rvv[c] + eps) * wv[c]) + bv[c];
        }

        TestUtil.AssertClose(expected, z, 1e-12);
        TestUtil.AssertClose(rmv, rm, 0);
    }

    [Fact]
    public void BatchNormInEvaluationWithoutRunningStatsIsAnError()
    {
        using var x = Tensor.Ones([2, 2, 1, 1]);
        var ex = Assert.Throws<TorchException>(() => Functional.BatchNorm(x, null, null, training: false));
        Assert.Contains("running_mean", ex.Message);
    }

    [Fact]
    public void LayerNormAndRmsNormByHand()
    {
        double[] row = [1, 2, 4, 9];
        using var x = Tensor.From<double>(row, [1, 4]);
        double mean = 4, variance = (9 + 4 + 0 + 25) / 4.0; // biased: 9.5
        using var ln = Functional.LayerNorm(x, [4], eps: 0);
        TestUtil.AssertClose(row.Select(v => (v - mean) / Math.Sqrt(variance)).ToArray(), ln, 1e-12);

        using var weight = Tensor.From<double>([1, 2, 3, 4]);
        double ms = (1 + 4 + 16 + 81) / 4.0;
        using var rms = Functional.RmsNorm(x, weight, eps: 1e-6);
        TestUtil.AssertClose(row.Select((v, i) => v / Math.Sqrt(ms + 1e-6) * (i + 1)).ToArray(), rms, 1e-12);
    }

    [Fact]
    public void MaxAndAvgPoolOnA4x4InputByHand()
    {
        // 0  1  2  3
        // 4  5  6  7
        // 8  9 10 11
        // 12 13 14 15
        using var x = Tensor.Arange(0L, 16L, 1L, DType.Float32).Reshape(1, 1, 4, 4);
        using var max2 = Functional.MaxPool2d(x, 2);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, max2.Shape);
        TestUtil.AssertClose([5, 7, 13, 15], max2, 0);
        using var avg2 = Functional.AvgPool2d(x, 2);
        TestUtil.AssertClose([2.5, 4.5, 10.5, 12.5], avg2, 0);
        using var max3 = Functional.MaxPool2d(x, 3, stride: 1);
        TestUtil.AssertClose([10, 11, 14, 15], max3, 0);
        // Padding 1, kernel 2, stride 2: windows {0}, {1,2}, {3} in each direction (3×3 output).
        using var avgPad = Functional.AvgPool2d(x, 2, stride: 2, padding: 1);
        TestUtil.AssertClose([0 / 4.0, 3 / 4.0, 3 / 4.0, 12 / 4.0, 30 / 4.0, 18 / 4.0, 12 / 4.0, 27 / 4.0, 15 / 4.0], avgPad, 1e-6);
        using var avgPadExcl = Functional.AvgPool2d(x, 2, stride: 2, padding: 1, countIncludePad: false);
        TestUtil.AssertClose([0, 1.5, 3, 6, 7.5, 9, 12, 13.5, 15], avgPadExcl, 1e-6);
        using var maxPad = Functional.MaxPool2d(x, 2, stride: 2, padding: 1);
        TestUtil.AssertClose([0, 2, 3, 8, 10, 11, 12, 14, 15], maxPad, 0);
        using var global = Functional.AdaptiveAvgPool2d(x, 1);
        TestUtil.AssertClose([7.5], global, 0);
        using var adaptive = Functional.AdaptiveAvgPool2d(x, (2, 1));
        TestUtil.AssertClose([(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7) / 8.0, (8 + 9 + 10 + 11 + 12 + 13 + 14 + 15) / 8.0], adaptive, 1e-6);
    }

    [Fact]
    public void Conv2dAndLinearByHand()
    {
        using var x = Tensor.Arange(0L, 9L, 1L, DType.Float64).Reshape(1, 1, 3, 3);
        using var w = Tensor.From<double>([1, 0, 0, -1, 1, 1, 1, 1], [2, 1, 2, 2]); // a diagonal difference, a window sum
        using var b = Tensor.From<double>([0.5, -1]);
        using var y = Functional.Conv2d(x, w, b);
        Assert.Equal(new long[] { 1, 2, 2, 2 }, y.Shape);
        TestUtil.AssertClose([-3.5, -3.5, -3.5, -3.5, 7, 11, 19, 23], y, 1e-12);
        using var padded = Functional.Conv2d(x, w, null, stride: 2, padding: 1);
        // Output (1, 2, 2, 2): window tops-left at (−1,−1), (−1,1), (1,−1), (1,1) of the zero-padded input.
        TestUtil.AssertClose([0, -2, -6, -4, 0, 3, 9, 24], padded, 1e-12);

        using var xl = Tensor.From<double>([1, 2, 3, 4, 5, 6], [2, 3]);
        using var wl = Tensor.From<double>([1, 0, -1, 2, 1, 0], [2, 3]);
        using var bl = Tensor.From<double>([10, 20]);
        using var yl = Functional.Linear(xl, wl, bl);
        TestUtil.AssertClose([1 - 3 + 10, 2 + 2 + 20, 4 - 6 + 10, 8 + 5 + 20], yl, 1e-12);
        using var yn = Functional.Linear(xl, wl);
        TestUtil.AssertClose([-2, 4, -2, 13], yn, 1e-12);
    }

    [Fact]
    public void EmbeddingLooksUpRows()
    {
        using var w = Tensor.From<float>([0, 1, 10, 11, 20, 21], [3, 2]);
        using var idx = Tensor.From<long>([2, 0, 2, 1], [2, 2]);
        using var e = Functional.Embedding(idx, w);
        Assert.Equal(new long[] { 2, 2, 2 }, e.Shape);
        TestUtil.AssertClose([20, 21, 0, 1, 20, 21, 10, 11], e, 0);
        using var bad = Tensor.From<long>([3]);
        Assert.Throws<TorchException>(() => Functional.Embedding(bad, w));
    }

    [Fact]
    public void DropoutMatchesPyTorchForTheSameSeedAndIsIdentityInEvaluation()
    {
        // PyTorch: torch.manual_seed(7); F.dropout(torch.ones(4, 5), p=0.5) — our Generator(7) draws the same mask.
        double[] pytorch = [2, 2, 0, 0, 0, 0, 2, 0, 0, 0, 2, 2, 2, 2, 2, 0, 2, 0, 2, 0];
        using var ones = Tensor.Ones([4, 5]);
        using var g = new Generator(7);
        using var y = Functional.Dropout(ones, 0.5, training: true, generator: g);
        TestUtil.AssertClose(pytorch, y, 0);
        using var y2 = Functional.Dropout(ones, 0.5, training: true, generator: g); // the generator moved on
        Assert.NotEqual(pytorch, y2.ToArray<double>());

        using var eval = Functional.Dropout(ones, 0.5, training: false);
        TestUtil.AssertClose(Enumerable.Repeat(1.0, 20).ToArray(), eval, 0);
        using var all = Functional.Dropout(ones, 1.0, training: true);
        TestUtil.AssertClose(new double[20], all, 0);

        // p = 0.25 over 40,000 elements: kept fraction ≈ 0.75 (±5σ) and every kept value is 1 / 0.75.
        using var big = Tensor.Ones([200, 200]);
        using var g2 = new Generator(1);
        var d = Functional.Dropout(big, 0.25, generator: g2).ToArray<float>();
        double kept = d.Count(v => v != 0) / 40_000.0;
        Assert.InRange(kept, 0.75 - (5 * Math.Sqrt(0.75 * 0.25 / 40_000)), 0.75 + (5 * Math.Sqrt(0.75 * 0.25 / 40_000)));
        Assert.All(d.Where(v => v != 0), v => Assert.Equal(1 / 0.75f, v, 1e-6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Dropout(ones, 1.5));
    }

    [Fact]
    public void FunctionalOpsLeaveNoLiveTensorsBehind()
    {
        using var x = Tensor.RandN([2, 3, 4]);
        using var w = Tensor.Ones([4]);
        long baseline = TestUtil.SettledLiveTensors();
        for (int i = 0; i < 50; i++)
        {
            using var scope = new DisposeScope();
            Functional.RmsNorm(x, w);
            Functional.Softmax(x, -1);
        }

        Assert.Equal(baseline, TorchRuntime.LiveTensors);
        using (var scope = new DisposeScope())
        {
            Functional.RmsNorm(x, w);
            Assert.Equal(1, scope.Count); // RmsNorm's temporaries are released inside it
        }
    }
}
