using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>A checkpoint keeps eval rows whose metrics are NaN (criteo_dlrm_tsv reports bayes_loss = NaN in every row).</summary>
public sealed class TrialCheckpointNaNTests : ScratchFolder
{
    [Fact]
    public void NaNMetricsSurviveTheCheckpointRoundTrip()
    {
        string folder = P("ckpt");
        var metrics = new Dictionary<string, double> { ["validation/loss"] = 0.25, ["validation/bayes_loss"] = double.NaN, ["validation/auc"] = double.NaN };
        var counters = new TrialCounters(5, 1.5, 0.1, 0.01, 1.5, 5, [new EvalRecord(5, 1.5, metrics)], [0.1, 0.2]);
        using (var w = Tensor.From<float>([1f, 2f], [2]))
        using (var state = new AlgorithmState())
        {
            TrialCheckpoint.Save(folder, new Dictionary<string, Tensor> { ["w"] = w }, state, counters);
        }

        var back = TrialCheckpoint.Load(folder, _ => { }, _ => { });
        var m = Assert.Single(back.History).Metrics;
        Assert.Equal(0.25, m["validation/loss"]);
        Assert.True(double.IsNaN(m["validation/bayes_loss"]) && double.IsNaN(m["validation/auc"]));
    }
}
