using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Transfer;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;
using AlgoPerfSharp.Workloads.Transfer;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Width transfer in the harness: which trials get multipliers, and µP's coordinate check across widths.</summary>
public sealed class WidthTransferTests
{
    private static readonly Hyperparameters Constant = new(new Dictionary<string, object> { ["lr_schedule"] = "constant", ["learning_rate"] = 1e-3 });

    [Fact]
    public void OnlyMuPMembersGetMultipliersAndAnAlgorithmWithoutARuleIsToldSo()
    {
        using var mup = WidthFamilies.Mlp.Create(128, Parameterisation.MuP, Presets.Tiny);
        using var sp = WidthFamilies.Mlp.Create(128, Parameterisation.Standard, Presets.Tiny);
        using var model = mup.CreateModel(0);
        var ps = model.Parameters.Select(p => p.ToModelParameter()).ToList();

        var (m, note) = WidthTransfer.Resolve(mup, new AdamW(), ps, Hyperparameters.Empty);
        Assert.Null(note);
        Assert.Equal(0.5, m![ps.FindIndex(p => p.Name == "hidden1.weight")].LearningRate, 12); // 1/d_in = 64/128
        Assert.Equal(1.0, m[ps.FindIndex(p => p.Name == "input.weight")].LearningRate, 12);    // fan-in 784 fixed
        Assert.Equal((null, null), WidthTransfer.Resolve(sp, new AdamW(), ps, Hyperparameters.Empty));

        var (none, said) = WidthTransfer.Resolve(mup, new ScheduleFreeAdamW(), ps, Hyperparameters.Empty);
        Assert.Null(none);
        Assert.Equal("schedule_free_adamw declares no width-transfer rule (ITransferRule): fashion_mnist_mlp_w128_mup runs with µP initialisation but standard (unscaled) learning rates and decay", said);
    }

    /// <summary>
    /// The check that must hold. After the first Adam update the logits change by Θ(1) under µP at every width (the
    /// readout starts at zero, so only its η/d_in-scaled step moves them), but ∝ width under standard parameterisation
    /// (its readout's learning rate is not scaled by 1/fan-in); and after three updates µP keeps every hidden layer's
    /// change within 2× from width 64 to 512 (×8). Measured when written: µP logits ratio 0.90, SP 5.1; µP hidden
    /// layers 0.70–0.95.
    /// </summary>
    [Fact]
    public void CoordinateCheckIsWidthInvariantUnderMuPAndGrowsUnderStandard()
    {
        IReadOnlyDictionary<string, double> Check(Parameterisation p, int width, int steps)
        {
            using var w = WidthFamilies.Mlp.Create(width, p, Presets.Tiny);
            return CoordinateCheck.Measure(w, new AdamW(), Constant, steps).ToDictionary(l => l.Layer, l => l.Rms);
        }

        double Ratio(Parameterisation p, string layer, int steps) => Check(p, 512, steps)[layer] / Check(p, 64, steps)[layer];
        double mup = Ratio(Parameterisation.MuP, "readout", 1), sp = Ratio(Parameterisation.Standard, "readout", 1);
        Assert.True(mup is > 0.67 and < 1.5 && sp > 3, $"width 64 → 512 changed the logits' first-update RMS by {mup:F2}× under µP and {sp:F2}× under SP");
        var small = Check(Parameterisation.MuP, 64, 3);
        var large = Check(Parameterisation.MuP, 512, 3);
        foreach (string layer in new[] { "input", "hidden1", "hidden2" })
        {
            double r = large[layer] / small[layer];
            Assert.True(r is > 0.5 and < 2, $"µP: layer {layer}'s update RMS changed {r:F2}× from width 64 to 512");
        }
    }

    [Fact]
    public void TheCoordinateCheckNeedsALadderModel()
    {
        using var w = FashionMnistWorkloads.Create(FashionMnistWorkloads.Vit, Presets.Tiny);
        var e = Assert.Throws<ArgumentException>(() => CoordinateCheck.Measure(w, new AdamW(), Constant, steps: 1));
        Assert.StartsWith("the model of fashion_mnist_vit cannot report its layers' outputs", e.Message);
    }
}
