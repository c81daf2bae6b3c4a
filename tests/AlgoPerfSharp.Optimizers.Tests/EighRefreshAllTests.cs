using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Eigenvalue-corrected Shampoo's batched eigh refresh (one native call for every factor due, the eighs dealt to the
/// threads of one parallel region) against refreshing each factor in turn: the same statistics and counters, bases that
/// are the same orthonormal eigenbases up to rounding (see below), and a factor it cannot refresh left to the one-factor
/// path.
/// </summary>
public sealed class EighRefreshAllTests
{
    // Two matrices (four factors), a conv kernel merged to 6 × 36 and a vector with its one factor.
    private static readonly long[][] Shapes = [[24, 16], [16, 24], [6, 4, 3, 3], [8]];

    private static readonly ShampooConfig Config = ShampooConfig.EigenvalueCorrected(beta2: 0.99, epsilon: 1e-6, maxPreconditionerDim: 64, preconditionFrequency: 1);

    [Fact]
    public void TheBatchedRefreshEqualsRefreshingEachFactorInTurn()
    {
        var one = Make(0);
        var all = Make(0);
        try
        {
            var jobsOne = Jobs(one);
            var jobsAll = Jobs(all);
            Assert.Equal(7, jobsAll.Count);
            foreach (var j in jobsOne) j.State.Refresh(j.Block, j.K, 2);
            Assert.All(EigenvalueCorrectedPreconditioner.RefreshAll(jobsAll, 2), b => Assert.True(b));
            for (int i = 0; i < Shapes.Length; i++)
            {
                var expected = one[i].StateTensors().ToList();
                var got = all[i].StateTensors().ToList();
                for (int k = 0; k < got.Count; k++)
                {
                    if (!got[k].Name.EndsWith(".mat", StringComparison.Ordinal))
                    {
                        Assert.Equal(expected[k].Tensor.ToArray<double>(), got[k].Tensor.ToArray<double>());
                        continue;
                    }

                    // A basis: the batched eigh ran single-threaded in a parallel region, the one-factor eigh with the
                    // BLAS threads, so they agree up to rounding where the spectrum is simple and may pick different
                    // vectors inside a repeated eigenvalue (these statistics have rank below their side). Both must be
                    // orthonormal eigenbases of the statistic with the same ascending eigenvalues.
                    using var check = new DisposeScope();
                    var statistic = got.Single(t => t.Name == got[k].Name[..^4] + ".acc").Tensor;
                    double scale = statistic.Abs().Max().ToDouble();
                    var (qe, qa) = (expected[k].Tensor, got[k].Tensor);
                    using var eye = Tensor.Eye(qa.Shape[0], dtype: DType.Float64);
                    AssertClose(eye.ToArray<double>(), qa.T().Mm(qa).ToArray<double>(), 1e-12, $"p{i} {got[k].Name} QᵀQ");
                    double[] de = qe.T().Mm(statistic).Mm(qe).ToArray<double>(), da = qa.T().Mm(statistic).Mm(qa).ToArray<double>();
                    AssertClose(de, da, 1e-12 * scale, $"p{i} {got[k].Name} QᵀFQ");
                    int n = (int)qa.Shape[0];
                    for (int r = 0; r < n; r++)
                    {
                        for (int c = 0; c < n; c++)
                        {
                            if (r != c) Assert.True(Math.Abs(da[(r * n) + c]) <= 1e-12 * scale, $"p{i} {got[k].Name}: QᵀFQ[{r},{c}] = {da[(r * n) + c]:R}");
                        }
                    }
                }
            }

            Assert.Equal(jobsOne.Select(j => (j.Factor.Checks, j.Factor.Refreshes, j.Factor.HasMatrix)), jobsAll.Select(j => (j.Factor.Checks, j.Factor.Refreshes, j.Factor.HasMatrix)));
            Assert.All(jobsAll, j => Assert.Equal((1L, 1L, true), (j.Factor.Checks, j.Factor.Refreshes, j.Factor.HasMatrix)));
        }
        finally
        {
            foreach (var s in one.Concat(all)) s.Dispose();
        }
    }

    [Fact]
    public void AFactorWithANonFiniteStatisticIsLeftUntouchedAndUncounted()
    {
        var states = Make(0);
        try
        {
            var jobs = Jobs(states);
            using (var row = jobs[0].Factor.Accumulator.Narrow(0, 3, 1))
            {
                row.FillInPlace(double.NaN);
            }

            var basis = jobs[0].Factor.Matrix.ToArray<double>();
            var done = EigenvalueCorrectedPreconditioner.RefreshAll(jobs, 2);
            Assert.False(done[0]);
            Assert.All(done.Skip(1), b => Assert.True(b));
            Assert.Equal(basis, jobs[0].Factor.Matrix.ToArray<double>());
            Assert.Equal((0L, 0L, false), (jobs[0].Factor.Checks, jobs[0].Factor.Refreshes, jobs[0].Factor.HasMatrix));
        }
        finally
        {
            foreach (var s in states) s.Dispose();
        }
    }

    private static ShampooParameterState[] Make(int seed)
    {
        using var scope = new DisposeScope();
        var states = new ShampooParameterState[Shapes.Length];
        for (int i = 0; i < Shapes.Length; i++)
        {
            var p = Fixtures.Param($"p{i}", Shapes[i]);
            states[i] = new ShampooParameterState(p, Config);
            int n = (int)Shapes[i].Aggregate(1L, (a, b) => a * b);
            foreach (var g in ShampooTestKit.RandomVectors(2, n, 60 + (10 * seed) + i))
            {
                states[i].Preconditioner.Accumulate(Tensor.From<double>(g, Shapes[i]).Reshape(states[i].Layout.MergedShape));
            }

            p.Tensor.Dispose();
        }

        return states;
    }

    private static List<FactorRefresh> Jobs(ShampooParameterState[] states) =>
        [.. states.SelectMany(s => s.Layout.Blocks.SelectMany(b => Enumerable.Range(0, b.Factors.Length).Where(k => b.Factors[k] is not null).Select(k => new FactorRefresh(s, b, k))))];

    // |e − a| ≤ tol elementwise.
    private static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}[{i}]: {actual[i]:R} vs {expected[i]:R}");
    }
}
