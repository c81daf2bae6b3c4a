using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;
using AlgoPerfSharp.Workloads.Transfer;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>The width ladders: names, metadata against hand-computed fans, µP initialisation statistics, bad widths.</summary>
public sealed class WidthLadderTests
{
    [Fact]
    public void MembersResolveByNameButAreNotListed()
    {
        var registry = new WorkloadRegistry();
        Assert.Equal("sotu_llama_w128_mup", registry.Find("sotu_llama_w128_mup")?.Name);
        Assert.Equal("fashion_mnist_mlp_w512", registry.Find("fashion_mnist_mlp_w512")?.Name);
        Assert.Null(registry.Find("resnet_w64"));
        Assert.DoesNotContain(registry.All, d => d.Name.Contains("_w64", StringComparison.Ordinal));
        Assert.Equal([64, 128, 256, 512], WidthFamilies.Llama.Widths);
        Assert.Equal([64, 128, 256, 512], WidthFamilies.Mlp.Widths);
    }

    [Fact]
    public void AWidthThatIsNotAMultipleOfTheHeadWidthIsAOneLineError()
    {
        var registry = new WorkloadRegistry();
        Assert.Null(registry.Find("sotu_llama_w100"));
        var e = Assert.Throws<ArgumentException>(() => registry.Create("sotu_llama_w100", Presets.Tiny));
        Assert.StartsWith("width 100 is not a positive multiple of the head width (16) of the sotu_llama width ladder; use e.g. 64, 128, 256, 512", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<ArgumentException>(() => WidthFamilies.Llama.Create(8, Parameterisation.Standard, Presets.Tiny));
    }

    [Fact]
    public void MuPNeedsAnUntiedReadout()
    {
        var e = Assert.Throws<ArgumentException>(() => new LlamaConfig(Dim: 64, Heads: 4, Parameterisation: Parameterisation.MuP));
        Assert.Contains("untied readout", e.Message);
    }

    [Fact]
    public void LlamaMetadataMatchesHandComputedFans()
    {
        using var workload = WidthFamilies.Llama.Create(256, Parameterisation.Standard, Presets.Tiny);
        using var model = workload.CreateModel(1);
        var m = model.Parameters.ToDictionary(p => p.Name, p => p.Width!);
        // (role, fan-in, fan-out, base fan-in, base fan-out, depth index) at width 256 (base 64, depth 2, FFN 3·D, V 256).
        Check(m["embedding"], ParameterRole.Embedding, 256, 256, 256, 64, 0);
        Check(m["block1.attn.q.weight"], ParameterRole.Hidden, 256, 256, 64, 64, 1);
        Check(m["block2.ffn.w1.weight"], ParameterRole.Hidden, 256, 768, 64, 192, 2);
        Check(m["block2.ffn.w2.weight"], ParameterRole.Hidden, 768, 256, 192, 64, 2);
        Check(m["block1.attn_norm.weight"], ParameterRole.NormOrBias, 1, 256, 1, 64, 1);
        Check(m["norm.weight"], ParameterRole.NormOrBias, 1, 256, 1, 64, 3);
        Check(m["head.weight"], ParameterRole.Readout, 256, 256, 64, 256, 3);
        Assert.All(m.Values, w => Assert.Equal((256, 64, 2, 4.0), (w.Width, w.BaseWidth, w.Depth, w.WidthRatio)));
        var algorithmView = model.Parameters.Single(p => p.Name == "head.weight").ToModelParameter();
        Assert.Equal(4.0, algorithmView.Width!.FanInRatio);
    }

    [Fact]
    public void MlpMetadataMatchesHandComputedFans()
    {
        using var workload = WidthFamilies.Mlp.Create(128, Parameterisation.MuP, Presets.Tiny);
        using var model = workload.CreateModel(1);
        var m = model.Parameters.ToDictionary(p => p.Name, p => p.Width!);
        Check(m["input.weight"], ParameterRole.Embedding, 784, 128, 784, 64, 0);
        Check(m["input.bias"], ParameterRole.NormOrBias, 1, 128, 1, 64, 0);
        Check(m["hidden2.weight"], ParameterRole.Hidden, 128, 128, 64, 64, 2);
        Check(m["readout.weight"], ParameterRole.Readout, 128, 10, 64, 10, 3);
        Check(m["readout.bias"], ParameterRole.NormOrBias, 1, 10, 1, 10, 3);
        Assert.Equal("fashion_mnist_mlp_w128_mup", workload.Spec.Name);
        Assert.Equal(2 * (784 * 128 + 2 * 128 * 128 + 128 * 10), workload.Spec.ForwardFlopsPerExample);
    }

    [Fact]
    public void MuPInitKeepsHiddenStdTimesRootFanInConstantAndTheReadoutZero()
    {
        // Hidden weights N(0, 1/fan-in): std·√fan-in = 1 within the sampling error of n = fan-in·fan-out draws
        // (relative s.e. ≈ 1/√(2n) ≤ 1/√8192 ≈ 1.1 %; the bound is 5 s.e. at the smallest width).
        foreach (int width in WidthFamilies.Llama.Widths)
        {
            using var model = new Llama(WidthFamilies.LlamaConfigAt(width, Parameterisation.MuP, Presets.Tiny), 3);
            foreach (var (name, p) in model.NamedParameters())
            {
                var t = p.Data;
                if (name.Contains(".attn.", StringComparison.Ordinal) || name.Contains(".ffn.", StringComparison.Ordinal))
                {
                    double scaled = t.Std().ToDouble() * Math.Sqrt(t.Size(1));
                    Assert.InRange(scaled, 1 - 5 / Math.Sqrt(2.0 * t.NumElements), 1 + 5 / Math.Sqrt(2.0 * t.NumElements));
                }
                else if (name == "head.weight")
                {
                    Assert.Equal(0.0, t.Abs().Max().ToDouble());
                }
                else if (name == "embedding")
                {
                    Assert.InRange(t.Std().ToDouble(), 0.02 * 0.9, 0.02 * 1.1); // width-independent
                }
            }
        }
    }

    [Fact]
    public void StandardInitIsPyTorchsDefaultSoItsStdTimesRootFanInIsConstantToo()
    {
        // SP's Kaiming-uniform U(±1/√fan-in) has std 1/√(3·fan-in): the width dependence SP and µP differ in is the readout.
        using var sp = new MlpClassifier(WidthFamilies.MlpConfigAt(512, Parameterisation.Standard), 3);
        using var mup = new MlpClassifier(WidthFamilies.MlpConfigAt(512, Parameterisation.MuP), 3);
        var spReadout = sp.NamedParameters().Single(p => p.Name == "readout.weight").Parameter.Data;
        var mupHidden = mup.NamedParameters().Single(p => p.Name == "hidden1.weight").Parameter.Data;
        var spInput = sp.NamedParameters().Single(p => p.Name == "input.weight").Parameter.Data;
        var mupInput = mup.NamedParameters().Single(p => p.Name == "input.weight").Parameter.Data;
        Assert.InRange(spReadout.Std().ToDouble() * Math.Sqrt(3 * 512), 0.95, 1.05);
        Assert.InRange(mupHidden.Std().ToDouble() * Math.Sqrt(512), 0.97, 1.03);
        Assert.Equal(spInput.ToArray<float>(), mupInput.ToArray<float>()); // the input layer keeps its standard draw
        Assert.Equal(0.0, mup.NamedParameters().Single(p => p.Name == "readout.weight").Parameter.Data.Abs().Max().ToDouble());
    }

    private static void Check(WidthMetadata w, ParameterRole role, int fanIn, int fanOut, int baseFanIn, int baseFanOut, int depthIndex) =>
        Assert.Equal((role, fanIn, fanOut, baseFanIn, baseFanOut, depthIndex), (w.Role, w.FanIn, w.FanOut, w.BaseFanIn, w.BaseFanOut, w.DepthIndex));
}
