using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>SOAP's batched refresh (one native call for every factor due) against refreshing each factor in turn.</summary>
public sealed class SoapRefreshAllTests
{
    [Fact]
    public void TheBatchedRefreshEqualsRefreshingEachFactorInTurnBitForBit()
    {
        // A conv kernel (4 factors, two of them 2×2), a matrix and an unrotated vector, after the initialising call and
        // one update, refreshed both ways: the bases and the permuted second moments must agree exactly.
        long[][] shapes = [[4, 3, 2, 2], [5, 6], [7]];
        var config = new SoapConfig(preconditionFrequency: 1);
        var grads = shapes.Select((s, i) => ShampooTestKit.RandomVectors(2, (int)s.Aggregate(1L, (a, b) => a * b), 40 + i)).ToArray();
        var one = Make(shapes, config, grads);
        var all = Make(shapes, config, grads);
        try
        {
            var jobsOne = Jobs(one);
            var jobsAll = Jobs(all);
            Assert.Equal(6, jobsAll.Count);
            foreach (var j in jobsOne) j.State.Refresh(j.Block, j.K, 1);
            Assert.All(SoapParameterState.RefreshAll(jobsAll), e => Assert.Null(e));
            for (int i = 0; i < shapes.Length; i++)
            {
                var expected = one[i].StateTensors().ToList();
                var got = all[i].StateTensors().ToList();
                Assert.Equal(expected.Select(x => x.Name), got.Select(x => x.Name));
                for (int k = 0; k < got.Count; k++) Assert.Equal(expected[k].Tensor.ToArray<double>(), got[k].Tensor.ToArray<double>());
            }

            Assert.Equal(jobsOne.Select(j => (j.Factor.Checks, j.Factor.Refreshes)), jobsAll.Select(j => (j.Factor.Checks, j.Factor.Refreshes)));
        }
        finally
        {
            foreach (var s in one.Concat(all)) s.Dispose();
        }
    }

    private static SoapParameterState[] Make(long[][] shapes, SoapConfig config, double[][][] grads)
    {
        using var scope = new DisposeScope();
        var states = new SoapParameterState[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            var p = Fixtures.Param($"p{i}", shapes[i]);
            states[i] = new SoapParameterState(p, config);
            states[i].Initialize(Tensor.From<double>(grads[i][0], shapes[i]));
            states[i].Direction(Tensor.From<double>(grads[i][1], shapes[i]));
            p.Tensor.Dispose();
        }

        return states;
    }

    private static List<FactorRefresh> Jobs(SoapParameterState[] states) =>
        [.. states.SelectMany(s => s.Layout.Blocks.SelectMany(b => Enumerable.Range(0, b.Factors.Length).Where(k => b.Factors[k] is not null).Select(k => new FactorRefresh(s, b, k))))];
}
