using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// End-to-end numbers against PyTorch 1.13 (the same libtorch): seeded generators, a seeded MLP trained with SGD,
/// and a leak check over many scoped training steps. Reference numbers: <c>/usr/bin/python3 tests/reference/nn_reference.py</c>.
/// </summary>
public sealed class TrainingGoldenTests
{
    [Fact]
    public void SeededGeneratorDrawsTheSameNumbersAsTorchGenerator()
    {
        // torch.Generator().manual_seed(42) with torch.randn(5) / torch.randn(20) / torch.rand(5).
        using (var g = new Generator(42))
        using (var t = Tensor.RandN([5], g))
        {
            TestUtil.AssertClose([0.33669036626815796, 0.12880940735340118, 0.23446236550807953, 0.23033303022384644, -1.1228563785552979], t, 0);
        }

        using (var g = new Generator(42))
        using (var t = Tensor.RandN([20], g)) // ≥ 16 elements take libtorch's vectorised normal path
        {
            var v = t.ToArray<float>();
            Assert.Equal(new[] { 1.9269152879714966f, 1.4872840642929077f, 0.9007171988487244f, -2.1055209636688232f, -0.6215953826904297f }, new[] { v[0], v[1], v[2], v[3], v[19] });
        }

        using (var g = new Generator(42))
        using (var t = Tensor.Rand([5], g))
        {
            TestUtil.AssertClose([0.8822692632675171, 0.9150039553642273, 0.38286375999450684, 0.9593056440353394, 0.3904482126235962], t, 0);
        }
    }

    /// <summary>
    /// MLP 4 → 16 → tanh → 3, weights from <c>new Generator(1234)</c> (Linear default init, layer by layer: weight
    /// then bias), data X = randn(64, 4) from <c>new Generator(99)</c>, labels [x·(1, 2, −1, 0) &gt; 0] + [x₃ &gt; 0.5],
    /// 200 full-batch SGD steps (lr 0.1) on cross-entropy. PyTorch (nn_reference.py, section 5) gives loss
    /// 1.189636468887329 at step 0, 1.1451740264892578 at step 1, 0.48381567001342773 at step 100 and
    /// 0.36618131399154663 after the 200 steps.
    /// </summary>
    [Fact]
    public void SeededMlpTrainedWithSgdReachesPyTorchsGoldenLoss()
    {
        using var gm = new Generator(1234);
        using var model = new Sequential(new Linear(4, 16, generator: gm), new Tanh(), new Linear(16, 3, generator: gm));
        using var gd = new Generator(99);
        using var x = Tensor.RandN([64, 4], gd);
        using var y = MakeLabels(x);
        Assert.Equal(new[] { 25, 33, 6 }, Enumerable.Range(0, 3).Select(c => y.ToArray<long>().Count(v => v == c)));

        const double lr = 0.1;
        var losses = new List<double>();
        for (int step = 0; step < 200; step++)
        {
            using var scope = new DisposeScope();
            var loss = Functional.CrossEntropy(model.Forward(x), y);
            losses.Add(loss.ToDouble());
            model.ZeroGrad();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                foreach (var p in model.Parameters()) p.Data.AddInPlace(p.Grad!, -lr);
            }
        }

        double final;
        using (var scope = new DisposeScope())
        using (Autograd.NoGrad())
        {
            final = Functional.CrossEntropy(model.Forward(x), y).ToDouble();
        }

        Assert.Equal(1.189636468887329, losses[0], 1e-6);
        Assert.Equal(1.1451740264892578, losses[1], 1e-6);
        Assert.Equal(0.48381567001342773, losses[100], 0.48381567001342773 * 1e-4);
        Assert.Equal(0.36618131399154663, final, 0.36618131399154663 * 1e-4);
    }

    private static Tensor MakeLabels(Tensor x)
    {
        using var scope = new DisposeScope();
        var a = x.MatMul(Tensor.From<float>([1, 2, -1, 0])).Gt(0.0).To(DType.Int64);
        var b = x.MatMul(Tensor.From<float>([0, 0, 0, 1])).Gt(0.5).To(DType.Int64);
        return DisposeScope.MoveToOuter(a + b); // (64), values 0..2
    }

    [Fact]
    public void AThousandScopedConvNetTrainingStepsLeaveNoLiveTensors()
    {
        using var g = new Generator(5);
        using var net = new Sequential(
            new Conv2d(1, 4, 3, padding: 1, generator: g), // (N, 4, 8, 8)
            new BatchNorm2d(4),
            new Relu(),
            new Dropout(0.1, g),
            new Flatten(),                                 // (N, 256)
            new Linear(4 * 8 * 8, 3, generator: g));
        using var x = Tensor.RandN([4, 1, 8, 8], g);
        using var y = Tensor.From<long>([0, 1, 2, 1]);
        long baseline = TestUtil.SettledLiveTensors();
        double first = 0, last = 0;
        for (int step = 0; step < 1000; step++)
        {
            using var scope = new DisposeScope();
            var h = Functional.MaxPool2d(x, 1); // an extra op per step, outside the module
            var loss = Functional.CrossEntropy(net.Forward(h), y, labelSmoothing: 0.05);
            net.ZeroGrad();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                foreach (var p in net.Parameters()) p.Data.AddInPlace(p.Grad!, -0.01);
            }

            if (step == 0) first = loss.ToDouble();
            last = loss.ToDouble();
        }

        net.ZeroGrad();
        Assert.Equal(baseline, TestUtil.SettledLiveTensors());
        Assert.True(last < first * 0.5, $"the net should learn 4 fixed samples: loss {first} → {last}");
    }
}
