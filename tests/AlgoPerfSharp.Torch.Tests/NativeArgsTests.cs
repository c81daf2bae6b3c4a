using System.Collections;
using AlgoPerfSharp.Torch.Native;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// The one way tensor lists reach native calls: <see cref="ListArgs.SameLength(ReadOnlySpan{ListLength})"/> (null and
/// length checks, with every list's name and count in the error) and <see cref="NativeArgs"/> (handles AddRef'd for the
/// call and released after it, also when a later element is bad; a thread-reused buffer that calls may nest in).
/// </summary>
public sealed unsafe class NativeArgsTests
{
    [Fact]
    public void UnequalListsNameEveryListWithItsCountAndTheFirstThatDiffers()
    {
        IReadOnlyList<double> parameters = [1], grads = [2], moments = [3, 4];
        var e = Assert.Throws<ArgumentException>(() => ListArgs.SameLength(parameters, grads, moments));
        Assert.Equal("lists differ in length: parameters 1, grads 1, moments 2 (Parameter 'moments')", e.Message);
        Assert.Equal(1, ListArgs.SameLength(parameters, grads));

        using var scope = new DisposeScope();
        var w = Tensor.Zeros([2]);
        var adam = Assert.Throws<ArgumentException>(() => FusedSteps.AdamInPlace([w], [w], [w, w], [w], 0.1, 0.9, 0.999, 1e-8, 0, 1, 1, false, true));
        Assert.Equal("lists differ in length: parameters 1, grads 1, expAvgs 2, expAvgSqs 1 (Parameter 'expAvgs')", adam.Message);
        var add = Assert.Throws<ArgumentException>(() => Foreach.AddInPlace([w, w], [w]));
        Assert.Equal("lists differ in length: self 2, other 1 (Parameter 'other')", add.Message);
        var mul = Assert.Throws<ArgumentException>(() => Foreach.MulInPlace([w, w], [1.0, 2.0, 3.0]));
        Assert.Equal("lists differ in length: self 2, values 3 (Parameter 'values')", mul.Message);
        var addcdiv = Assert.Throws<ArgumentException>(() => Foreach.AddCDivInPlace([w], [w], [w, w], [1.0]));
        Assert.Equal("lists differ in length: self 1, t1 1, t2 2, values 1 (Parameter 't2')", addcdiv.Message);
        Assert.Equal([0f, 0f], w.ToArray<float>());
    }

    [Fact]
    public void ANullListIsReportedBeforeUnequalLengths()
    {
        using var scope = new DisposeScope();
        var w = Tensor.Zeros([2]);
        var e = Assert.Throws<ArgumentNullException>(() => FusedSteps.MomentumInPlace([w], [w], [], null!, [1.0], 0.9, false, false, true));
        Assert.Equal("Value cannot be null. (Parameter 'weightDecays')", e.Message);
        var f = Assert.Throws<ArgumentNullException>(() => Foreach.MulInPlace(null!, [1.0]));
        Assert.Equal("self", f.ParamName);
    }

    [Fact]
    public void ANullOrDisposedElementThrowsAndReleasesTheHandlesTakenBeforeIt()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long live = TorchRuntime.LiveTensors;
        var w = Tensor.Ones([3]);
        var g = Tensor.Ones([3]);
        var gone = Tensor.Ones([3]);
        gone.Dispose();

        // The bad element is second in its list, so the first one's handle has been AddRef'd when it throws.
        var nul = Assert.Throws<ArgumentNullException>(() => FusedSteps.LerpManyInPlace([w, g], [g, null!], [0.5, 0.5]));
        Assert.Equal("Value cannot be null. (Parameter 'tensors[1]')", nul.Message);
        Assert.Throws<ObjectDisposedException>(() => FusedSteps.LerpManyInPlace([w, gone], [g, g], [0.5, 0.5]));
        Assert.Throws<ObjectDisposedException>(() => Tensor.Cat([w, gone]));
        Assert.Equal([1f, 1f, 1f], w.ToArray<float>());

        // A handle left AddRef'd would keep its native tensor alive after Dispose.
        w.Dispose();
        g.Dispose();
        Assert.Equal(live, TorchRuntime.LiveTensors);
    }

    [Fact]
    public void CallsNestedInsideAListIndexerSeeTheirOwnArguments()
    {
        using var scope = new DisposeScope();
        Tensor[] xs = [Tensor.From<double>([1, 2]), Tensor.From<double>([3]), Tensor.From<double>([4, 5, 6])];
        Tensor[] ys = [Tensor.From<double>([10, 20]), Tensor.From<double>([30]), Tensor.From<double>([40, 50, 60])];
        var probes = new List<double>();
        var nested = new IndexerCallsNative(xs, probes);

        var sums = Foreach.Add(nested, ys);

        Assert.Equal([11.0, 22.0], sums[0].ToArray<double>());
        Assert.Equal([33.0], sums[1].ToArray<double>());
        Assert.Equal([44.0, 55.0, 66.0], sums[2].ToArray<double>());
        Assert.Equal([5.0, 9.0, 77.0], probes); // 1² + 2², 3², 4² + 5² + 6², each from a native call inside the outer one
    }

    [Fact]
    public void BuffersOutgrowingTheBlockStayValidAndOutputsComeBackZeroed()
    {
        using (var a = NativeArgs.Begin())
        {
            long* first = a.Output<long>(100);
            for (int i = 0; i < 100; i++) first[i] = i + 1;
            long* big = a.Output<long>(300_000); // 2.4 MB: beyond any block kept between calls
            big[299_999] = -1;
            IReadOnlyList<double> values = [0.5, -2.0, double.NaN];
            double* copy = a.Copy(values);
            for (int i = 0; i < 100; i++) Assert.Equal(i + 1, first[i]);
            Assert.Equal(0, big[0]);
            Assert.Equal(-1, big[299_999]);
            Assert.Equal(0.5, copy[0]);
            Assert.Equal(-2.0, copy[1]);
            Assert.True(double.IsNaN(copy[2]));
        }

        using var b = NativeArgs.Begin();
        long* again = b.Output<long>(100);
        for (int i = 0; i < 100; i++) Assert.Equal(0, again[i]);
        Assert.True(b.Handles(Array.Empty<Tensor>()) == null);
        Assert.True(b.Copy<int>([]) == null);
        Assert.True(b.Output<IntPtr>(0) == null);
    }

    /// <summary>A list whose indexer makes a native list call (a sum of squares) of its own before returning the element.</summary>
    private sealed class IndexerCallsNative(Tensor[] items, List<double> probes) : IReadOnlyList<Tensor>
    {
        public int Count => items.Length;

        public Tensor this[int index]
        {
            get
            {
                probes.Add(FusedSteps.SumSquares([items[index], items[index]])[1]);
                return items[index];
            }
        }

        public IEnumerator<Tensor> GetEnumerator() => ((IEnumerable<Tensor>)items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
