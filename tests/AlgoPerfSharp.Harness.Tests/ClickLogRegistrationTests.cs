using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>The click-log DLRMs (synthetic and on Criteo TSV files) are listed and runnable by name but stay out of default plans until calibrated.</summary>
public sealed class ClickLogRegistrationTests
{
    [Fact]
    public void ClickLogDlrmsAreRegisteredButNotBaseWorkloads()
    {
        var registry = HarnessWorkloads.Registry();
        var baseWorkloads = HarnessWorkloads.BaseWorkloads(registry);
        foreach (string name in new[] { CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr, CriteoDlrmWorkloads.DlrmLayerNorm, CriteoDlrmWorkloads.DlrmTsv })
        {
            Assert.NotNull(registry.Find(name));
            Assert.DoesNotContain(name, baseWorkloads);
            Assert.Equal(LossType.SigmoidCrossEntropy, registry.Spec(name, Presets.Tiny).Loss); // from the spec factory: no data generated
        }

        Assert.Contains("sotu_llama", baseWorkloads);
        Assert.Equal(CriteoDlrmWorkloads.Dlrm, registry.Find(CriteoDlrmWorkloads.DlrmLayerNorm)!.VariantOf); // the held-out variant
        Assert.Equal(CriteoDlrmWorkloads.Dlrm, registry.Spec(CriteoDlrmWorkloads.DlrmLayerNorm, Presets.Tiny).VariantOf);
        Assert.Null(registry.Find(CriteoDlrmWorkloads.DlrmQr)!.VariantOf);
        Assert.Null(registry.Find(CriteoDlrmWorkloads.DlrmTsv)!.VariantOf); // real data, borrowed constants: not a variant
    }
}
