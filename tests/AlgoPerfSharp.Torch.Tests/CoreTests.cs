namespace AlgoPerfSharp.Torch.Tests;

public sealed class CoreTests
{
    [Fact]
    public void RuntimeInfoReportsVersionThreadsAndOpenMpBlas()
    {
        var info = TorchRuntime.Info();
        Assert.Matches(@"^\d+\.\d+\.\d+$", info.TorchVersion);
        Assert.Equal(TorchRuntime.ExpectedAbiVersion, info.AbiVersion);
        Assert.Equal(Environment.ProcessorCount, info.NumThreads);
        Assert.False(info.CudaAvailable);
        // The set-up script selects the OpenMP build of OpenBLAS; the pthread one would fight libtorch's threads.
        Assert.True(info.BlasIsOpenBlasOpenMp, "BLAS in use: " + string.Join(", ", info.NativeLibraries));
    }

    [Fact]
    public void FromArrayRoundTripsEveryDType()
    {
        using var f = Tensor.From<float>([1.5f, -2f, 3.25f, 0f], [2, 2]);
        Assert.Equal(new long[] { 2, 2 }, f.Shape);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new[] { 1.5f, -2f, 3.25f, 0f }, f.ToArray<float>());

        using var d = Tensor.From<double>([Math.PI, Math.E]);
        Assert.Equal(new[] { Math.PI, Math.E }, d.ToArray<double>());
        using var l = Tensor.From<long>([long.MaxValue, -1]);
        Assert.Equal(new[] { long.MaxValue, -1L }, l.ToArray<long>());
        using var i = Tensor.From<int>([7, -7]);
        Assert.Equal(DType.Int32, i.DType);
        using var u = Tensor.From<byte>([0, 255]);
        Assert.Equal(new byte[] { 0, 255 }, u.ToArray<byte>());
        using var b = Tensor.From<bool>([true, false]);
        Assert.Equal(new[] { true, false }, b.ToArray<bool>());
        using var bf = f.To(DType.BFloat16);
        Assert.Equal(DType.BFloat16, bf.DType);
        Assert.Equal(new[] { 1.5f, -2f, 3.25f, 0f }, bf.ToArray<float>()); // exactly representable in bf16
    }

    [Fact]
    public void ArithmeticBroadcastsAndKeepsIntegerScalarsIntegral()
    {
        using var a = Tensor.From<float>([1, 2, 3, 4, 5, 6], [2, 3]);
        using var row = Tensor.From<float>([10, 20, 30]);
        using var sum = a + row;
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, sum.ToArray<float>());
        using var scaled = 2 * a - 1;
        Assert.Equal(new float[] { 1, 3, 5, 7, 9, 11 }, scaled.ToArray<float>());
        using var ints = Tensor.Arange(5);
        using var plus = ints + 2;
        Assert.Equal(DType.Int64, plus.DType);
        using var half = ints / 2;
        Assert.Equal(DType.Float32, half.DType); // true division promotes
        Assert.Equal(new float[] { 0, 0.5f, 1, 1.5f, 2 }, half.ToArray<float>());
    }

    [Fact]
    public void NativeErrorsArriveAsTorchExceptionAndTheProcessSurvives()
    {
        using var a = Tensor.Zeros([2, 3]);
        using var b = Tensor.Zeros([4, 5]);
        var ex = Assert.Throws<TorchException>(() => a.Mm(b));
        Assert.Contains("cannot be multiplied", ex.Message);
        Assert.Equal(1, ex.Status);
        using var c = a.Add(1.0); // still usable
        Assert.Equal(6.0, c.NumElements);
    }

    [Fact]
    public void UseAfterDisposeThrowsAndDoubleDisposeIsHarmless()
    {
        var t = Tensor.Ones([3]);
        t.Dispose();
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.Add(1.0));
    }

    [Fact]
    public void DisposeScopeReleasesEverythingButWhatMovesOut()
    {
        long baseline = TestUtil.SettledLiveTensors();
        Tensor kept;
        using (var scope = new DisposeScope())
        {
            using var x = Tensor.RandN([4, 4]);
            var y = x * 2 + 1; // two temporaries
            kept = DisposeScope.MoveToOuter(y.Sum());
            Assert.True(scope.Count >= 2);
        }

        Assert.False(kept.IsDisposed);
        Assert.Equal(baseline + 1, TorchRuntime.LiveTensors);
        kept.Dispose();
        Assert.Equal(baseline, TorchRuntime.LiveTensors);
    }

    [Fact]
    public void TenThousandScopedIterationsLeaveNoLiveTensors()
    {
        using var w = Tensor.RandN([8, 8]).RequiresGradInPlace();
        long baseline = TestUtil.SettledLiveTensors();
        for (int i = 0; i < 10_000; i++)
        {
            using var scope = new DisposeScope();
            var y = (w.MatMul(w) * 0.5 + 1).Tanh().Sum();
            y.Backward();
            w.Grad = null;
        }

        Assert.Equal(baseline, TorchRuntime.LiveTensors);
    }

    [Fact]
    public void SeededGeneratorsAreReproducibleAndIndependent()
    {
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var a = Tensor.RandN([5], g1);
        using var b = Tensor.RandN([5], g2);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        using var state = g1.GetState();
        using var c = Tensor.Rand([3], g1);
        g1.SetState(state);
        using var d = Tensor.Rand([3], g1);
        Assert.Equal(c.ToArray<float>(), d.ToArray<float>());
    }

    [Fact]
    public void BackwardComputesGradientsAndNoGradStopsRecording()
    {
        using var x = Tensor.From<double>([1, 2, 3]).RequiresGradInPlace();
        using var y = (x * x).Sum(); // d/dx = 2x
        y.Backward();
        using var g = x.Grad!;
        Assert.Equal(new double[] { 2, 4, 6 }, g.ToArray<double>());
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsGradEnabled);
            using var z = x * 3;
            Assert.False(z.RequiresGrad);
        }

        Assert.True(Autograd.IsGradEnabled);
    }
}
