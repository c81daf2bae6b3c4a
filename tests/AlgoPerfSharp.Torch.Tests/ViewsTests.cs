namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Views, shape manipulation and indexing. Expected values are hand-computed (or a closed-form formula written out in
/// the test); PyTorch-specific facts (list counts, error messages) were checked with
/// tests/reference/views_reduce_reference.py.
/// </summary>
public sealed class ViewsTests
{
    /// <summary>[[0, 1, 2], [3, 4, 5]] as float32.</summary>
    private static Tensor Matrix23() => Tensor.From<float>([0, 1, 2, 3, 4, 5], [2, 3]);

    private static long[] Sizes(Tensor[] parts) => parts.Select(p => p.NumElements).ToArray();

    [Fact]
    public void ViewAndReshapeShareStorageWithTheBase()
    {
        using var a = Matrix23();
        using var v = a.View(3, -1);
        Assert.Equal(new long[] { 3, 2 }, v.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, v.ToArray<float>());
        using var row = v.Select(0, 2); // elements 4, 5 of the base
        row.FillInPlace(9.0);
        Assert.Equal(new float[] { 0, 1, 2, 3, 9, 9 }, a.ToArray<float>());
        using var flat = a.Reshape(-1);
        using (var head = flat.Narrow(0, 0, 1)) head.FillInPlace(-1.0);

        Assert.Equal(-1f, a.ToArray<float>()[0]);
    }

    [Fact]
    public void TransposeIsANonContiguousViewAndContiguousMakesADenseCopy()
    {
        using var a = Matrix23();
        using var t = a.Transpose(0, -1);
        Assert.Equal(new long[] { 3, 2 }, t.Shape);
        Assert.Equal(new long[] { 1, 3 }, t.Strides);
        Assert.False(t.IsContiguous);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.ToArray<float>());

        // A view cannot flatten it (libtorch's message), reshape copies instead.
        var ex = Assert.Throws<TorchException>(() => t.View(6));
        Assert.Contains("view size is not compatible with input tensor's size and stride", ex.Message);
        using var r = t.Reshape(6);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, r.ToArray<float>());

        using var c = t.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal(new long[] { 2, 1 }, c.Strides);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, c.ToArray<float>());
        c.FillInPlace(7.0); // the copy is independent of the base ...
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, a.ToArray<float>());
        using (var tRow = t.Select(0, 1)) tRow.FillInPlace(8.0); // ... while the transposed view writes through: column 1 of a

        Assert.Equal(new float[] { 0, 8, 2, 3, 8, 5 }, a.ToArray<float>());

        // Contiguous on a contiguous tensor is the same tensor, not a copy.
        using var same = a.Contiguous();
        Assert.True(same.IsSameAs(a));

        using var tt = a.T();
        Assert.Equal(new long[] { 3, 2 }, tt.Shape);
        Assert.Equal(t.ToArray<float>(), tt.ToArray<float>());
        using var v1 = Tensor.From<float>([1, 2, 3]);
        using var v1t = v1.T(); // 1-D: unchanged
        Assert.Equal(new long[] { 3 }, v1t.Shape);
    }

    [Fact]
    public void PermuteMovesEveryElementToItsPermutedIndex()
    {
        using var x = Tensor.Arange(24).Reshape(2, 3, 4); // x[i, j, k] = 12 i + 4 j + k
        using var p = x.Permute(2, 0, 1); // p[k, i, j] = x[i, j, k]
        using var pn = x.Permute(-1, -3, -2);
        Assert.Equal(new long[] { 4, 2, 3 }, p.Shape);
        var expected = new long[24];
        int n = 0;
        for (int k = 0; k < 4; k++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 3; j++) expected[n++] = (12 * i) + (4 * j) + k;
            }
        }

        Assert.Equal(expected, p.ToArray<long>());
        Assert.Equal(expected, pn.ToArray<long>());
        Assert.False(p.IsContiguous);
    }

    [Fact]
    public void NarrowSliceAndSelectPickTheRightEntries()
    {
        using var x = Tensor.Arange(10);
        using (var s = x.Slice(0, 2, 8, 3)) Assert.Equal(new long[] { 2, 5 }, s.ToArray<long>());
        using (var s = x.Slice(0, -3)) Assert.Equal(new long[] { 7, 8, 9 }, s.ToArray<long>());
        using (var s = x.Slice(-1, null, 4, 2)) Assert.Equal(new long[] { 0, 2 }, s.ToArray<long>());
        using (var s = x.Slice(0, 8, 100)) Assert.Equal(new long[] { 8, 9 }, s.ToArray<long>()); // clamped as in Python
        using (var s = x.Narrow(0, 3, 2)) Assert.Equal(new long[] { 3, 4 }, s.ToArray<long>());
        using (var s = x.Narrow(0, -2, 2)) Assert.Equal(new long[] { 8, 9 }, s.ToArray<long>());

        using var m = Tensor.Arange(12).Reshape(3, 4); // m[i, j] = 4 i + j
        using (var c = m.Select(-1, 2))
        {
            Assert.Equal(new long[] { 3 }, c.Shape);
            Assert.Equal(new long[] { 2, 6, 10 }, c.ToArray<long>());
        }

        using (var r = m.Select(0, -1)) Assert.Equal(new long[] { 8, 9, 10, 11 }, r.ToArray<long>());
        using var block = m.Narrow(1, 1, 2);
        Assert.Equal(new long[] { 3, 2 }, block.Shape);
        Assert.False(block.IsContiguous);
        Assert.Equal(new long[] { 1, 2, 5, 6, 9, 10 }, block.ToArray<long>());
        using var everyOtherRow = m.Slice(0, step: 2);
        everyOtherRow.MulInPlace(-1L); // writes through to rows 0 and 2 of m
        Assert.Equal(new long[] { 0, -1, -2, -3, 4, 5, 6, 7, -8, -9, -10, -11 }, m.ToArray<long>());
    }

    [Fact]
    public void SqueezeUnsqueezeFlattenUnflattenGiveTheRightShapes()
    {
        using var x = Tensor.Arange(6).Reshape(1, 3, 1, 2);
        using (var s = x.Squeeze()) Assert.Equal(new long[] { 3, 2 }, s.Shape);
        using (var s = x.Squeeze(-2)) Assert.Equal(new long[] { 1, 3, 2 }, s.Shape);
        using (var s = x.Squeeze(1)) Assert.Equal(new long[] { 1, 3, 1, 2 }, s.Shape); // size 3: unchanged
        using (var u = x.Unsqueeze(-1)) Assert.Equal(new long[] { 1, 3, 1, 2, 1 }, u.Shape);
        using (var u = x.Unsqueeze(2)) Assert.Equal(new long[] { 1, 3, 1, 1, 2 }, u.Shape);
        using (var f = x.Flatten()) Assert.Equal(new long[] { 6 }, f.Shape);
        using (var f = x.Flatten(1)) Assert.Equal(new long[] { 1, 6 }, f.Shape);
        using (var f = x.Flatten(1, -2)) Assert.Equal(new long[] { 1, 3, 2 }, f.Shape);
        using var flat = x.Flatten();
        using var un = flat.Unflatten(0, 2, -1);
        Assert.Equal(new long[] { 2, 3 }, un.Shape);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, un.ToArray<long>());
        using var squeezed = x.Squeeze();
        squeezed.AddInPlace(10L); // views all the way down
        Assert.Equal(new long[] { 10, 11, 12, 13, 14, 15 }, x.ToArray<long>());
    }

    [Fact]
    public void ExpandBroadcastsWithZeroStrides()
    {
        using var row = Tensor.From<float>([1, 2, 3]);
        using var e = row.Expand(2, 3);
        Assert.Equal(new long[] { 2, 3 }, e.Shape);
        Assert.Equal(new long[] { 0, 1 }, e.Strides);
        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3 }, e.ToArray<float>());
        using var col = Tensor.From<float>([10, 20], [2, 1]);
        using var ce = col.Expand(-1, 3);
        Assert.Equal(new float[] { 10, 10, 10, 20, 20, 20 }, ce.ToArray<float>());
        using var target = Tensor.Zeros([4, 2, 3]);
        using var ea = row.ExpandAs(target);
        Assert.Equal(new long[] { 4, 2, 3 }, ea.Shape);
        using var eaSum = ea.Sum();
        Assert.Equal(6.0 * 8, eaSum.ToDouble()); // (1 + 2 + 3) per row, 8 rows
        using var tall = Tensor.Zeros([3, 2]);
        var ex = Assert.Throws<TorchException>(() => tall.Expand(2, 2));
        Assert.Contains("must match the existing size (3) at non-singleton dimension 0", ex.Message);
    }

    [Fact]
    public void ChunkAndSplitHandleRemaindersAndAreViews()
    {
        using var scope = new DisposeScope(); // owns the list results
        var x = Tensor.Arange(7);
        var c3 = x.Chunk(3); // ceil(7 / 3) = 3: [3, 3, 1]
        Assert.Equal(new long[] { 3, 3, 1 }, Sizes(c3));
        Assert.Equal(new long[] { 6 }, c3[2].ToArray<long>());
        var c4 = x.Chunk(4); // ceil(7 / 4) = 2: [2, 2, 2, 1]
        Assert.Equal(new long[] { 2, 2, 2, 1 }, Sizes(c4));
        using var six = Tensor.Arange(6);
        Assert.Equal(new long[] { 2, 2, 2 }, Sizes(six.Chunk(4))); // fewer chunks than asked for
        var s3 = x.Split(3);
        Assert.Equal(new long[] { 3, 3, 1 }, Sizes(s3));
        Assert.Equal(new long[] { 3, 4, 5 }, s3[1].ToArray<long>());
        var s25 = x.Split([2, 5]);
        Assert.Equal(new long[] { 2, 5 }, Sizes(s25));
        Assert.Equal(new long[] { 2, 3, 4, 5, 6 }, s25[1].ToArray<long>());
        using var empty = Tensor.Zeros([0]);
        Assert.Equal(3, empty.Chunk(3).Length);
        Assert.Single(empty.Split(2));

        using var m = Tensor.Arange(10).Reshape(2, 5);
        var cols = m.Split(2, dim: -1);
        Assert.Equal(3, cols.Length);
        Assert.Equal(new long[] { 2, 1 }, cols[2].Shape);
        Assert.Equal(new long[] { 4, 9 }, cols[2].ToArray<long>());
        cols[0].ZeroInPlace(); // a view: zeroes columns 0 and 1 of m
        Assert.Equal(new long[] { 0, 0, 2, 3, 4, 0, 0, 7, 8, 9 }, m.ToArray<long>());
        var rows = m.Unbind();
        Assert.Equal(2, rows.Length);
        Assert.Equal(new long[] { 0, 0, 7, 8, 9 }, rows[1].ToArray<long>());
        var colsByUnbind = m.Unbind(-1);
        Assert.Equal(5, colsByUnbind.Length);
        Assert.Equal(new long[] { 3, 8 }, colsByUnbind[3].ToArray<long>());
    }

    [Fact]
    public void CatAndStackJoinAlongExistingAndNewDims()
    {
        using var a = Matrix23();
        using var b = Tensor.From<float>([6, 7, 8], [1, 3]);
        using var rows = Tensor.Cat([a, b]);
        Assert.Equal(new long[] { 3, 3 }, rows.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, rows.ToArray<float>());
        using var c = Tensor.From<float>([10, 11], [2, 1]);
        using var cols = Tensor.Cat(new List<Tensor> { a, c }, -1);
        Assert.Equal(new long[] { 2, 4 }, cols.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 10, 3, 4, 5, 11 }, cols.ToArray<float>());

        using var a2 = a + 100;
        using var s0 = Tensor.Stack([a, a2]);
        Assert.Equal(new long[] { 2, 2, 3 }, s0.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105 }, s0.ToArray<float>());
        using var s1 = Tensor.Stack(new[] { a, a2 }, 1);
        Assert.Equal(new long[] { 2, 2, 3 }, s1.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 100, 101, 102, 3, 4, 5, 103, 104, 105 }, s1.ToArray<float>());
        using var sLast = Tensor.Stack(new List<Tensor> { a, a2 }, -1);
        Assert.Equal(new long[] { 2, 3, 2 }, sLast.Shape);
        Assert.Equal(new float[] { 0, 100, 1, 101, 2, 102, 3, 103, 4, 104, 5, 105 }, sLast.ToArray<float>());
    }

    [Fact]
    public void RepeatFlipAndRollRearrangeElements()
    {
        using var v = Tensor.From<long>([1, 2, 3]);
        using var rep = v.Repeat(2, 2);
        Assert.Equal(new long[] { 2, 6 }, rep.Shape);
        Assert.Equal(new long[] { 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 }, rep.ToArray<long>());

        using var m = Tensor.From<long>([1, 2, 3, 4, 5, 6], [2, 3]);
        using (var f = m.Flip(0)) Assert.Equal(new long[] { 4, 5, 6, 1, 2, 3 }, f.ToArray<long>());
        using (var f = m.Flip(-1)) Assert.Equal(new long[] { 3, 2, 1, 6, 5, 4 }, f.ToArray<long>());
        using (var f = m.Flip(0, 1)) Assert.Equal(new long[] { 6, 5, 4, 3, 2, 1 }, f.ToArray<long>());
        using (var r = m.Roll(1)) Assert.Equal(new long[] { 6, 1, 2, 3, 4, 5 }, r.ToArray<long>()); // flattened
        using (var r = m.Roll(1, 1)) Assert.Equal(new long[] { 3, 1, 2, 6, 4, 5 }, r.ToArray<long>());
        using (var r = m.Roll(-1, -1)) Assert.Equal(new long[] { 2, 3, 1, 5, 6, 4 }, r.ToArray<long>());
        using (var r = m.Roll([1, 1], [0, 1])) Assert.Equal(new long[] { 6, 4, 5, 3, 1, 2 }, r.ToArray<long>());
    }

    [Fact]
    public void IndexSelectGatherAndScatterFollowTheirDefinitions()
    {
        using var m = Tensor.From<float>([1, 2, 3, 4, 5, 6], [2, 3]);
        using var idx = Tensor.From<long>([2, 0, 2]);
        using (var s = m.IndexSelect(-1, idx))
        {
            Assert.Equal(new long[] { 2, 3 }, s.Shape);
            Assert.Equal(new float[] { 3, 1, 3, 6, 4, 6 }, s.ToArray<float>());
        }

        using var one = Tensor.From<long>([1]);
        using (var s = m.IndexSelect(0, one))
        {
            Assert.Equal(new float[] { 4, 5, 6 }, s.ToArray<float>());
        }

        // gather along dim 1: out[i][j] = t[i][index[i][j]]
        using var t = Tensor.From<float>([1, 2, 3, 4], [2, 2]);
        using var gi = Tensor.From<long>([0, 0, 1, 0], [2, 2]);
        using (var g = t.Gather(1, gi)) Assert.Equal(new float[] { 1, 1, 4, 3 }, g.ToArray<float>());
        // gather along dim 0: out[i][j] = t[index[i][j]][j]
        using var g0i = Tensor.From<long>([1, 0, 1, 1, 0, 0], [3, 2]);
        using (var g = t.Gather(-2, g0i))
        {
            Assert.Equal(new long[] { 3, 2 }, g.Shape);
            Assert.Equal(new float[] { 3, 2, 3, 4, 1, 2 }, g.ToArray<float>());
        }

        // scatter along dim 0: self[index[i][j]][j] = src[i][j]
        using var src = Tensor.Arange(1L, 11L, 1L, DType.Float32).Reshape(2, 5);
        using var si = Tensor.From<long>([0, 1, 2, 0], [1, 4]);
        using var zeros = Tensor.Zeros([3, 5]);
        using (var s = zeros.Scatter(0, si, src))
        {
            Assert.Equal(new float[] { 1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0 }, s.ToArray<float>());
            Assert.Equal(new float[15], zeros.ToArray<float>()); // out-of-place
        }

        // scatter along dim 1: self[i][index[i][j]] = src[i][j]
        using var si1 = Tensor.From<long>([2, 4], [2, 1]);
        using (var s = zeros.Scatter(1, si1, src))
        {
            Assert.Equal(new float[] { 0, 0, 1, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0 }, s.ToArray<float>());
        }

        using (var s = zeros.Scatter(1, si1, 2.5))
        {
            Assert.Equal(new float[] { 0, 0, 2.5f, 0, 0, 0, 0, 0, 0, 2.5f, 0, 0, 0, 0, 0 }, s.ToArray<float>());
        }

        using var target = Tensor.Zeros([3, 5]);
        Assert.Same(target, target.ScatterInPlace(0, si, src));
        Assert.Equal(new float[] { 1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0 }, target.ToArray<float>());
        target.ScatterInPlace(-1, si1, -1.0);
        Assert.Equal(-1f, target.ToArray<float>()[2]);
        Assert.Equal(-1f, target.ToArray<float>()[9]);

        // scatter_add accumulates duplicates: self[index[i]] += src[i]
        using var acc = Tensor.From<double>([100, 200, 300]);
        using var ai = Tensor.From<long>([0, 1, 0, 2, 0]);
        using var av = Tensor.From<double>([1, 2, 3, 4, 5]);
        using (var s = acc.ScatterAdd(0, ai, av)) Assert.Equal(new double[] { 109, 202, 304 }, s.ToArray<double>());
        Assert.Equal(new double[] { 100, 200, 300 }, acc.ToArray<double>());
        Assert.Same(acc, acc.ScatterAddInPlace(-1, ai, av));
        Assert.Equal(new double[] { 109, 202, 304 }, acc.ToArray<double>());
    }

    [Fact]
    public void MaskedSelectAndAdvancedIndexingByMaskOrIndices()
    {
        using var m = Tensor.From<float>([1, -2, 3, -4, 5, -6], [2, 3]);
        using var positive = m.Gt(0.0);
        using (var s = m.MaskedSelect(positive)) Assert.Equal(new float[] { 1, 3, 5 }, s.ToArray<float>());
        using var colMask = Tensor.From<bool>([true, false, true]); // broadcast over rows
        using (var s = m.MaskedSelect(colMask)) Assert.Equal(new float[] { 1, 3, -4, -6 }, s.ToArray<float>());

        using var rowMask = Tensor.From<bool>([false, true]);
        using (var s = m.Index(rowMask))
        {
            Assert.Equal(new long[] { 1, 3 }, s.Shape);
            Assert.Equal(new float[] { -4, 5, -6 }, s.ToArray<float>());
        }

        using (var s = m.Index(positive))
        {
            Assert.Equal(new long[] { 3 }, s.Shape);
            Assert.Equal(new float[] { 1, 3, 5 }, s.ToArray<float>());
        }

        using var rows = Tensor.From<long>([1, -2, 1], [3, 1]);
        using (var s = m.Index(rows))
        {
            Assert.Equal(new long[] { 3, 1, 3 }, s.Shape);
            Assert.Equal(new float[] { -4, 5, -6, 1, -2, 3, -4, 5, -6 }, s.ToArray<float>());
        }

        using var acc = Tensor.Zeros([3], DType.Float64);
        using var dup = Tensor.From<long>([0, 2, 0]);
        using var vals = Tensor.From<double>([1, 2, 3]);
        Assert.Same(acc, acc.IndexPutInPlace(dup, vals, accumulate: true));
        Assert.Equal(new double[] { 4, 0, 2 }, acc.ToArray<double>());
        using var neg = m.Lt(0.0);
        using var zero = Tensor.Scalar(0.0);
        m.IndexPutInPlace(neg, zero); // relu by mask
        Assert.Equal(new float[] { 1, 0, 3, 0, 5, 0 }, m.ToArray<float>());
    }

    [Fact]
    public void BadDimsIndicesAndShapesRaiseLibtorchMessagesAndLeakNothing()
    {
        using var a = Matrix23();
        using var idx5 = Tensor.From<long>([5]);
        using var bad = Tensor.From<long>([3L], [1, 1]);
        using var cube = Tensor.Zeros([3, 4, 5]);
        using var b = Tensor.Zeros([2, 4]);
        using var v2 = Tensor.Zeros([2]);
        using var v3 = Tensor.Zeros([3]);
        long baseline = TestUtil.SettledLiveTensors();

        var e = Assert.Throws<TorchException>(() => a.Transpose(0, 2));
        Assert.Contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)", e.Message);
        e = Assert.Throws<TorchException>(() => a.Unsqueeze(-4));
        Assert.Contains("Dimension out of range", e.Message);
        e = Assert.Throws<TorchException>(() => a.Select(1, 3));
        Assert.Contains("select(): index 3 out of range for tensor of size [2, 3] at dimension 1", e.Message);
        e = Assert.Throws<TorchException>(() => v3.IndexSelect(0, idx5));
        Assert.Contains("index out of range in self", e.Message);
        e = Assert.Throws<TorchException>(() => a.Gather(1, bad));
        Assert.Contains("index 3 is out of bounds for dimension 1 with size 3", e.Message);
        e = Assert.Throws<TorchException>(() => Tensor.Cat([a, b]));
        Assert.Contains("Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4", e.Message);
        e = Assert.Throws<TorchException>(() => Tensor.Stack([v2, v3]));
        Assert.Contains("stack expects each tensor to be equal size", e.Message);
        e = Assert.Throws<TorchException>(() => v3.Split([1, 1]));
        Assert.Contains("split_with_sizes expects split_sizes to sum exactly to 3", e.Message);
        e = Assert.Throws<TorchException>(() => a.Chunk(2, 5));
        Assert.Contains("Dimension out of range", e.Message);
        e = Assert.Throws<TorchException>(() => v3.Chunk(0));
        Assert.Contains("chunk expects `chunks` to be greater than 0", e.Message);
        e = Assert.Throws<TorchException>(() => a.Narrow(1, 2, 5));
        Assert.Contains("start (2) + length (5) exceeds dimension size (3)", e.Message);
        e = Assert.Throws<TorchException>(() => cube.T());
        Assert.Contains("t() expects a tensor with <= 2 dimensions", e.Message);
        e = Assert.Throws<TorchException>(() => v3.ScatterInPlace(0, idx5, 1.0));
        Assert.Contains("index 5 is out of bounds for dimension 0 with size 3", e.Message);

        Assert.Equal(baseline, TorchRuntime.LiveTensors); // failed calls created nothing
        using var ok = a.Transpose(0, 1).Contiguous(); // the next op still works
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, ok.ToArray<float>());
    }

    [Fact]
    public void ListResultsJoinTheDisposeScope()
    {
        using var x = Tensor.Arange(10);
        long baseline = TestUtil.SettledLiveTensors();
        using (new DisposeScope())
        {
            var parts = x.Chunk(3); // ceil(10 / 3) = 4: [4, 4, 2]
            var more = x.Split([4, 6]);
            Assert.Equal(new long[] { 4, 4, 2 }, Sizes(parts));
            Assert.Equal(2, more.Length);
            Assert.Equal(baseline + 5, TorchRuntime.LiveTensors);
        }

        Assert.Equal(baseline, TorchRuntime.LiveTensors);
    }

    [Fact]
    public void GradientsFlowBackThroughViewsAndIndexing()
    {
        using var scope = new DisposeScope();
        var x = Tensor.From<double>([1, 2, 3]).RequiresGradInPlace();
        // y = [x2, x2, x0, x1] + each of x broadcast twice: dy/dx = [1, 1, 2] + [2, 2, 2]
        var picked = Tensor.Cat([x.Gather(0, Tensor.From<long>([2, 2, 0])), x.Select(0, 1).Unsqueeze(0)]);
        var loss = picked.Sum() + x.Expand(2, 3).Sum();
        loss.Backward();
        Assert.Equal(new double[] { 3, 3, 4 }, x.Grad!.ToArray<double>());
        x.Grad = null;
        // scatter_add's gradient w.r.t. src is a gather of the incoming gradient: weights [10, 20, 30] at [2, 0, 2].
        var src = Tensor.From<double>([1, 1, 1]).RequiresGradInPlace();
        var spread = Tensor.Zeros([3], DType.Float64).ScatterAdd(0, Tensor.From<long>([2, 0, 2]), src);
        (spread * Tensor.From<double>([10, 20, 30])).Sum().Backward();
        Assert.Equal(new double[] { 30, 10, 30 }, src.Grad!.ToArray<double>());
    }
}
