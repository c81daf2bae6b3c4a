namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// <see cref="FusedSteps.SoapRefreshInPlace"/> (ats_soap_refresh_): SOAP's power-iteration + QR refresh of several factors
/// in one call, against a closed form and against the same refresh composed from single ops one factor at a time.
/// </summary>
public sealed class SoapRefreshTests
{
    [Fact]
    public void ADiagonalStatisticWithTheIdentityBasisGivesThePermutationSortingItsDiagonalDescending()
    {
        using var scope = new DisposeScope();
        // diag(QᵀAQ) = (1, 5, 3) ⇒ order (1, 2, 0); A·Q[:, order] has the columns 5·e1, 3·e2, 1·e0, whose QR basis is
        // (e1, e2, e0) up to column signs.
        var a = Tensor.From(new double[,] { { 1, 0, 0 }, { 0, 5, 0 }, { 0, 0, 3 } });
        var q = Tensor.Eye(3, dtype: DType.Float64);
        var orders = FusedSteps.SoapRefreshInPlace([a], [q]);
        Assert.Equal([1L, 2, 0], orders[0]!);
        double[] permutation = [0, 0, 1, 1, 0, 0, 0, 1, 0];
        Assert.All(permutation.Zip(q.Abs().ToArray<double>()), x => Assert.Equal(x.First, x.Second, 1e-15));
        Assert.Equal([1.0, 0, 0, 0, 5, 0, 0, 0, 3], a.ToArray<double>()); // the statistic is read only
    }

    [Fact]
    public void EachFactorEqualsTheRefreshComposedFromSingleOpsAndABadFactorFailsAlone()
    {
        using var scope = new DisposeScope();
        using var gen = new Generator(11);
        long[] sizes = [1, 3, 8, 20, 3];
        var statistics = new List<Tensor>();
        var bases = new List<Tensor>();
        foreach (long d in sizes)
        {
            var g = Tensor.Empty([d, d + 4], DType.Float64).NormalInPlace(0, 1, gen);
            statistics.Add(DisposeScope.Detach(g.Mm(g.T())));
            using var qr = Linalg.Qr(Tensor.Empty([d, d], DType.Float64).NormalInPlace(0, 1, gen));
            bases.Add(DisposeScope.Detach(qr.Q.Clone()));
        }

        Linalg.Diagonal(statistics[4]).Narrow(0, 1, 1).FillInPlace(double.NaN);
        var expected = new List<(double[] Q, long[] Order)>();
        for (int i = 0; i < 4; i++) expected.Add(Composed(statistics[i], bases[i]));
        double[] untouched = bases[4].ToArray<double>();

        long live = TorchRuntime.LiveTensors;
        var orders = FusedSteps.SoapRefreshInPlace(statistics, bases);
        Assert.Equal(live, TorchRuntime.LiveTensors); // the call leaves no native tensor behind
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i].Order, orders[i]!);
            double[] got = bases[i].ToArray<double>();
            for (int j = 0; j < got.Length; j++) Assert.Equal(expected[i].Q[j], got[j], 1e-13);
        }

        Assert.Null(orders[4]);
        Assert.Equal(untouched, bases[4].ToArray<double>());
        foreach (var t in statistics.Concat(bases)) t.Dispose();
    }

    [Fact]
    public void MismatchedListsAndShapesAreRejected()
    {
        using var scope = new DisposeScope();
        var a = Tensor.Eye(3, dtype: DType.Float64);
        var q = Tensor.Eye(4, dtype: DType.Float64);
        Assert.Equal("lists differ in length: statistics 1, bases 2 (Parameter 'bases')", Assert.Throws<ArgumentException>(() => FusedSteps.SoapRefreshInPlace([a], [q, q])).Message);
        Assert.Contains("statistic 0 is not a matrix", Assert.Throws<ArgumentException>(() => FusedSteps.SoapRefreshInPlace([Tensor.Ones([3], DType.Float64)], [q])).Message);
        Assert.Contains("basis 0 has shape [4, 4], its statistic [3, 3]", Assert.Throws<TorchException>(() => FusedSteps.SoapRefreshInPlace([a], [q])).Message);
        Assert.Equal(Tensor.Eye(4, dtype: DType.Float64).ToArray<double>(), q.ToArray<double>());
        Assert.Empty(FusedSteps.SoapRefreshInPlace([], []));
    }

    /// <summary>The refresh from single ops: e = column sums of Q ⊙ AQ, order by e descending, Q′ = qr(AQ[:, order]).Q.</summary>
    private static (double[] Q, long[] Order) Composed(Tensor a, Tensor q)
    {
        using var scope = new DisposeScope();
        var aq = a.Mm(q);
        double[] e = q.Mul(aq).Sum(0).ToArray<double>();
        long[] order = Enumerable.Range(0, e.Length).OrderByDescending(i => e[i]).Select(i => (long)i).ToArray();
        using var qr = Linalg.Qr(aq.IndexSelect(1, Tensor.From<long>(order)));
        return (qr.Q.ToArray<double>(), order);
    }
}
