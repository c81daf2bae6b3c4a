using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>The three models: exact parameter counts, shapes, kinds, golden losses, gradient checks.</summary>
public sealed class ModelTests
{
    private static Tensor Images(int n, int side = 28, ulong seed = 5)
    {
        using var g = new Generator(seed);
        return Tensor.RandN([n, 1, side, side], g);
    }

    private static Tensor Tokens(int b, int t, int vocab, ulong seed = 6)
    {
        using var g = new Generator(seed);
        return Tensor.RandInt(0, vocab, [b, t], g);
    }

    private static Dictionary<ParameterType, int> TypeCounts(WorkloadModel m) =>
        m.Parameters.GroupBy(p => p.Type).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void AnUntaggedParameterIsRefusedAndATextTagDoesNotCountAsAType()
    {
        using var g = new Generator(1);
        var untagged = new Linear(2, 3, true, g);
        untagged.Weight.Tag = nameof(ParameterType.Weight); // a free-form label is not a ParameterType tag
        ParameterTags.Tag(untagged.Bias, ParameterType.Bias);
        var e = Assert.Throws<InvalidOperationException>(() => ParameterTags.ToWorkloadModel(untagged));
        Assert.Equal("parameter 'weight' has no ParameterType tag; tag it when building the model", e.Message);

        using var tagged = ParameterTags.ToWorkloadModel(TaggedLayers.Linear(2, 3, true, g, DType.Float32, ParameterType.OutputHead));
        Assert.Equal([("weight", ParameterType.OutputHead), ("bias", ParameterType.Bias)], tagged.Parameters.Select(p => (p.Name, p.Type)));
        var view = tagged.Parameters[0].ToModelParameter();
        Assert.Same(tagged.Parameters[0].Parameter.Data, view.Tensor);
        Assert.Equal(("weight", ParameterType.OutputHead), (view.Name, view.Type));
    }

    [Fact]
    public void ResNetHasTheSpecifiedParameterCountShapeAndKinds()
    {
        using var scope = new DisposeScope();
        // The cpu model (one block a stage, every stage striding): stem 288 + 64; stage 1: 2·9,216 + 2·64 + shortcut
        // 1,024 + 64; stage 2: 18,432 + 36,864 + 2·128 + 2,048 + 128; stage 3: 73,728 + 147,456 + 2·256 + 8,192 + 256;
        // head 1,290.
        using var model = ParameterTags.ToWorkloadModel(new ResNet(ResNetConfig.Cpu, 1));
        Assert.Equal(352 + 19_648 + 57_728 + 230_144 + 1_290, model.Module.ParameterCount);
        Assert.Equal(309_162, model.Module.ParameterCount);
        Assert.Equal([2, 10], model.Module.Forward(Images(2)).Shape);
        var kinds = TypeCounts(model);
        Assert.Equal(1 + 6 + 3, kinds[ParameterType.ConvWeight]); // stem, 2 per block, 3 shortcuts (every stage strides)
        Assert.Equal(10, kinds[ParameterType.NormScale]);
        Assert.Equal(10, kinds[ParameterType.NormBias]);
        Assert.Equal(1, kinds[ParameterType.OutputHead]);
        Assert.Equal(1, kinds[ParameterType.Bias]);
        Assert.Equal(5, kinds.Count);

        // The constructor's defaults (the earlier cpu model: strides 1, 2, 2, two blocks a stage): stem 288 + 64; stage
        // 1: 2 × (2·9216 + 2·64); stage 2: 57,728 + 73,984; stage 3: 230,144 + 295,424; head 1,290.
        using var wide = new ResNet(new ResNetConfig(), 1);
        Assert.Equal(696_042, wide.ParameterCount);
    }

    [Fact]
    public void VitHasTheSpecifiedParameterCountShapeAndKinds()
    {
        using var scope = new DisposeScope();
        // The cpu model: patch 4,704 + 96; cls 96; pos 17 · 96 = 1,632; 3 blocks of LN 192 + qkv 27,648 + 288 + out
        // 9,216 + 96 + LN 192 + fc1 36,864 + 384 + fc2 36,864 + 96 = 111,840; final LN 192; head 970.
        using var model = ParameterTags.ToWorkloadModel(new VisionTransformer(VitConfig.Cpu, 1));
        Assert.Equal(4_800 + 96 + 1_632 + (3 * 111_840) + 192 + 970, model.Module.ParameterCount);
        Assert.Equal(343_210, model.Module.ParameterCount);
        Assert.Equal([3, 10], model.Module.Forward(Images(3)).Shape);
        var kinds = TypeCounts(model);
        Assert.Equal(3, kinds[ParameterType.AttentionQkv]);
        Assert.Equal(3, kinds[ParameterType.AttentionOut]);
        Assert.Equal(2, kinds[ParameterType.Other]);
        Assert.Equal(1, kinds[ParameterType.ConvWeight]);
        Assert.Equal(6, kinds[ParameterType.Weight]); // fc1, fc2 per block
        Assert.Equal(7, kinds[ParameterType.NormScale]);
        Assert.Equal([288, 96], model.Parameters.First(p => p.Type == ParameterType.AttentionQkv).Parameter.Shape);

        // The constructor's defaults (the earlier cpu model): patch 2,176 + cls 128 + pos 6,400 + 4 × 198,272 + final
        // LN 256 + head 1,290.
        using var wide = new VisionTransformer(new VitConfig(), 1);
        Assert.Equal(803_338, wide.ParameterCount);
    }

    [Fact]
    public void LlamaHasTheSpecifiedParameterCountShapeAndKinds()
    {
        using var scope = new DisposeScope();
        // Tied embedding 256·128 + 4 × (2·128 + 4·128² + 3·128·344) + final norm 128.
        using var model = ParameterTags.ToWorkloadModel(new Llama(LlamaConfig.Cpu, 1));
        Assert.Equal(32_768 + (4 * (256 + 65_536 + 132_096)) + 128, model.Module.ParameterCount);
        Assert.Equal(824_448, model.Module.ParameterCount);
        Assert.Equal([2, 64, 256], model.Module.Forward(Tokens(2, 64, 256)).Shape);
        var kinds = TypeCounts(model);
        Assert.Equal(1, kinds[ParameterType.Embedding]);
        foreach (var k in new[] { ParameterType.AttentionQ, ParameterType.AttentionK, ParameterType.AttentionV, ParameterType.AttentionOut }) Assert.Equal(4, kinds[k]);
        Assert.Equal(12, kinds[ParameterType.Weight]);
        Assert.Equal(9, kinds[ParameterType.NormScale]);
        Assert.False(kinds.ContainsKey(ParameterType.Bias));
        Assert.False(kinds.ContainsKey(ParameterType.OutputHead)); // tied: the embedding is the head

        // Embedding init N(0, 0.02²): the sample std of 32,768 draws is within 2% of 0.02 (its own sd is 0.4 %).
        double std = model.Parameters[0].Parameter.Data.Std().ToDouble();
        Assert.InRange(std, 0.0196, 0.0204);
    }

    [Fact]
    public void GeluVariantKeepsTheParameterCountExactly()
    {
        using var scope = new DisposeScope();
        using var gelu = new Llama(LlamaConfig.CpuGelu, 1); // 2 · 128 · 516 = 3 · 128 · 344 per block
        Assert.Equal(824_448, gelu.ParameterCount);
        Assert.Equal(LlamaConfig.CpuGelu, SotuWorkloads.ConfigFor(SotuWorkloads.LlamaGelu, Presets.Cpu));
        using var silu = new ResNet(ResNetConfig.Cpu.WithActivation(Activation.Silu), 1);
        Assert.Equal(309_162, silu.ParameterCount);
        using var post = new VisionTransformer(VitConfig.Cpu.WithPreNorm(false), 1);
        Assert.Equal(343_210, post.ParameterCount);
    }

    [Fact]
    public void ZeroedHeadGivesExactlyLogClassesLoss()
    {
        // With the classifier's weight and bias zeroed every logit is exactly 0, so softmax is uniform and the
        // cross-entropy is ln(classes) whatever the body computes (closed form, independent of the implementation).
        using var scope = new DisposeScope();
        using var targets = Tensor.From<long>([0, 3, 9, 4]);
        foreach (Module m in new Module[] { new ResNet(ResNetConfig.Tiny, 7), new VisionTransformer(VitConfig.Tiny, 7) })
        {
            using (m)
            {
                var head = m is ResNet r ? r.Head : ((VisionTransformer)m).Head;
                double before = Functional.CrossEntropy(m.Forward(Images(4)), targets).ToDouble();
                using (Autograd.NoGrad())
                {
                    head.Weight.Data.ZeroInPlace();
                    head.Bias!.Data.ZeroInPlace();
                }

                double loss = Functional.CrossEntropy(m.Forward(Images(4)), targets).ToDouble();
                Assert.Equal(Math.Log(10), loss, tolerance: 1e-6);
                Assert.True(Math.Abs(before - Math.Log(10)) > 1e-3, $"loss before zeroing {before}");
            }
        }

        // The tied LM: a zero embedding makes the final hidden state 0 and every logit 0: loss ln 256.
        using var lm = new Llama(LlamaConfig.Tiny, 7);
        using (Autograd.NoGrad()) lm.Embedding.Data.ZeroInPlace();
        var logits = lm.Forward(Tokens(2, 8, 256));
        Assert.Equal(0, logits.Abs().Max().ToDouble());
        Assert.Equal(Math.Log(256), Functional.CrossEntropy(logits.View(-1, 256), Tokens(2, 8, 256, 9).View(-1)).ToDouble(), tolerance: 1e-6);
    }

    [Fact]
    public void ModelsAreAPureFunctionOfTheSeed()
    {
        using var scope = new DisposeScope();
        using var a = new VisionTransformer(VitConfig.Tiny, 42);
        using var b = new VisionTransformer(VitConfig.Tiny, 42);
        using var c = new VisionTransformer(VitConfig.Tiny, 43);
        var x = Images(2);
        Assert.Equal(a.Forward(x).ToArray<float>(), b.Forward(x).ToArray<float>());
        Assert.NotEqual(a.Forward(x).ToArray<float>(), c.Forward(x).ToArray<float>());
    }

    [Fact]
    public void ResNetGradientsMatchFiniteDifferences()
    {
        using var scope = new DisposeScope();
        var config = new ResNetConfig(StemWidth: 2, StageWidths: [2, 3], StageStrides: [1, 2], BlocksPerStage: 1, NumClasses: 3, Activation: Activation.Silu, DType: DType.Float64);
        using var model = new ResNet(config, 3);
        using var g = new Generator(4);
        var x = Tensor.RandN([3, 1, 6, 6], g, DType.Float64);
        var y = Tensor.From<long>([0, 2, 1]);
        var (n, largest) = ModelTestUtil.GradCheck(model, () => Functional.CrossEntropy(model.Forward(x), y));
        Assert.True(n > 50 && largest > 1e-3, $"{n} elements, largest gradient {largest}");
    }

    [Fact]
    public void VitGradientsMatchFiniteDifferencesPreAndPostLn()
    {
        using var scope = new DisposeScope();
        foreach (bool pre in new[] { true, false })
        {
            var config = new VitConfig(ImageSize: 4, PatchSize: 2, Dim: 4, Depth: 1, Heads: 2, MlpDim: 6, NumClasses: 3, PreNorm: pre, DType: DType.Float64);
            using var model = new VisionTransformer(config, 3);
            using var g = new Generator(4);
            var x = Tensor.RandN([2, 1, 4, 4], g, DType.Float64);
            var y = Tensor.From<long>([2, 1]);
            var (n, largest) = ModelTestUtil.GradCheck(model, () => Functional.CrossEntropy(model.Forward(x), y));
            Assert.True(n > 50 && largest > 1e-3, $"{n} elements, largest gradient {largest}");
        }
    }

    [Fact]
    public void LlamaGradientsMatchFiniteDifferencesSwiGluAndGelu()
    {
        using var scope = new DisposeScope();
        foreach (bool gated in new[] { true, false })
        {
            var config = new LlamaConfig(VocabSize: 7, Context: 4, Dim: 4, Layers: 1, Heads: 2, FfnHidden: 6, GatedFfn: gated, EmbeddingInitStd: 0.5, DType: DType.Float64);
            using var model = new Llama(config, 3);
            var x = Tensor.From<long>([1, 5, 2, 6, 0, 3, 3, 4], [2, 4]);
            var y = Tensor.From<long>([5, 2, 6, 0, 3, 3, 4, 1]);
            var (n, largest) = ModelTestUtil.GradCheck(model, () => Functional.CrossEntropy(model.Forward(x).View(-1, 7), y));
            Assert.True(n > 30 && largest > 1e-3, $"{n} elements, largest gradient {largest}");
        }
    }

    [Fact]
    public void RopeRotatesChannelPairsByPositionTimesFrequency()
    {
        // Hand-computed rotate-half RoPE: for head width 4 the pairs are (0, 2) and (1, 3) with ω₀ = 1, ω₁ = base^(−1/2);
        // at position t: x'ᵢ = xᵢ cos tωᵢ − xᵢ₊₂ sin tωᵢ, x'ᵢ₊₂ = xᵢ₊₂ cos tωᵢ + xᵢ sin tωᵢ.
        using var scope = new DisposeScope();
        double[] x = [0.3, -1.2, 0.7, 2.0, 1.5, 0.25, -0.5, 0.9, -0.8, 0.4, 1.1, -0.6];
        var (cos, sin) = Rope.Tables(3, 4, 100, DType.Float64);
        var actual = Rope.Apply(Tensor.From<double>(x, [1, 1, 3, 4]), cos, sin).ToArray<double>();
        double[] omega = [1, Math.Pow(100, -0.5)];
        for (int t = 0; t < 3; t++)
        {
            for (int i = 0; i < 2; i++)
            {
                double a = t * omega[i], u = x[(t * 4) + i], v = x[(t * 4) + i + 2];
                Assert.Equal((u * Math.Cos(a)) - (v * Math.Sin(a)), actual[(t * 4) + i], tolerance: 1e-12);
                Assert.Equal((v * Math.Cos(a)) + (u * Math.Sin(a)), actual[(t * 4) + i + 2], tolerance: 1e-12);
            }
        }

        Assert.Equal(x[..4], actual[..4]); // position 0 is not rotated
    }

    [Fact]
    public void ChangingAFutureTokenDoesNotChangeEarlierLogits()
    {
        using var scope = new DisposeScope();
        using var model = new Llama(LlamaConfig.Tiny, 11);
        var a = Tokens(1, 16, 256, 1).ToArray<long>();
        var b = (long[])a.Clone();
        b[9] = (b[9] + 17) % 256;
        var la = model.Forward(Tensor.From<long>(a, [1, 16])).ToArray<float>();
        var lb = model.Forward(Tensor.From<long>(b, [1, 16])).ToArray<float>();
        Assert.Equal(la[..(9 * 256)], lb[..(9 * 256)]);               // positions 0..8: bit-identical
        Assert.NotEqual(la[(9 * 256)..], lb[(9 * 256)..]);           // position 9 onwards sees the change
    }

    [Fact]
    public void LlamaLossMatchesAnIndependentScalarReference()
    {
        // Seeded golden loss: a random tiny float64 Llama (every parameter redrawn, so norm scales are not 1) against
        // LlamaReference, a from-scratch forward pass in plain C# arrays (no libtorch); SwiGLU and the GELU variant.
        using var scope = new DisposeScope();
        foreach (bool gated in new[] { true, false })
        {
            var config = new LlamaConfig(VocabSize: 11, Context: 6, Dim: 8, Layers: 2, Heads: 2, FfnHidden: 12, GatedFfn: gated, RopeBase: 50, DType: DType.Float64);
            using var model = new Llama(config, 21);
            ModelTestUtil.Randomize(model, 22, 0.6);

            long[] tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
            long[] targets = [1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
            double actual = Functional.CrossEntropy(model.Forward(Tensor.From<long>(tokens, [2, 5])).View(-1, 11), Tensor.From<long>(targets)).ToDouble();
            var weights = ModelTestUtil.Weights(model);
            double expected = LlamaReference.Loss(config, weights, tokens, targets, batch: 2, time: 5);
            Assert.Equal(expected, actual, tolerance: 1e-10);
        }
    }

    [Fact]
    public void VitLossMatchesAnIndependentScalarReferencePreAndPostLn()
    {
        // Seeded golden loss for a random tiny float64 ViT (every parameter redrawn, LN scales/shifts included) against
        // VitReference, a from-scratch forward pass in plain C# arrays (no libtorch).
        using var scope = new DisposeScope();
        foreach (bool pre in new[] { true, false })
        {
            var config = new VitConfig(ImageSize: 6, PatchSize: 3, Dim: 6, Depth: 2, Heads: 2, MlpDim: 10, NumClasses: 4, PreNorm: pre, DType: DType.Float64);
            using var model = new VisionTransformer(config, 31);
            ModelTestUtil.Randomize(model, 32, 0.7);

            using var gi = new Generator(33);
            var images = Tensor.RandN([3, 1, 6, 6], gi, DType.Float64);
            long[] labels = [2, 0, 3];
            double actual = Functional.CrossEntropy(model.Forward(images), Tensor.From<long>(labels)).ToDouble();
            var weights = ModelTestUtil.Weights(model);
            double expected = VitReference.Loss(config, weights, images.ToArray<double>(), labels, 3);
            Assert.Equal(expected, actual, tolerance: 1e-10);
        }
    }

    [Fact]
    public void ResNetLossMatchesAnIndependentScalarReference()
    {
        // Seeded golden loss for a random tiny float64 ResNet in training mode (BN scales/shifts redrawn too) against
        // ResNetReference, a from-scratch forward pass in plain C# arrays (no libtorch); ReLU and SiLU.
        using var scope = new DisposeScope();
        foreach (var act in new[] { Activation.Relu, Activation.Silu })
        {
            var config = new ResNetConfig(StemWidth: 2, StageWidths: [2, 3], StageStrides: [1, 2], BlocksPerStage: 2, NumClasses: 4, Activation: act, DType: DType.Float64);
            using var model = new ResNet(config, 41);
            ModelTestUtil.Randomize(model, 42, 0.7);

            using var gi = new Generator(43);
            var images = Tensor.RandN([3, 1, 7, 7], gi, DType.Float64);
            long[] labels = [1, 3, 0];
            double actual = Functional.CrossEntropy(model.Forward(images), Tensor.From<long>(labels)).ToDouble();
            var weights = ModelTestUtil.Weights(model);
            double expected = ResNetReference.Loss(config, weights, images.ToArray<double>(), labels, 3, 7);
            Assert.Equal(expected, actual, tolerance: 1e-10);
        }
    }

    [Fact]
    public void BadConfigsNameTheFieldAndValue()
    {
        void Bad(Action build, string param, string text)
        {
            var e = Assert.ThrowsAny<ArgumentException>(build);
            Assert.Equal(param, e.ParamName);
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }

        Bad(() => _ = new ResNetConfig(StageStrides: [1, 2]), "StageStrides", "for 3 stages");
        Bad(() => _ = new ResNetConfig(BatchNormMomentum: 0), "BatchNormMomentum", "got 0");
        Bad(() => _ = new VitConfig(PatchSize: 5), "PatchSize", "got 5");
        Bad(() => _ = new VitConfig(Dim: 130), "Dim", "got 130");
        Bad(() => _ = new LlamaConfig(Dim: 20, Heads: 4), "Dim", "even head width (got 20)");
        Bad(() => _ = new LlamaConfig(RopeBase: 1), "RopeBase", "got 1");
        Bad(() => new Llama(LlamaConfig.Tiny, 1, dropout: 1).Dispose(), "dropout", "got 1");
        using var scope = new DisposeScope();
        using var lm = new Llama(LlamaConfig.Tiny, 1);
        Bad(() => lm.Forward(Tokens(1, 33, 256)), "input", "T ≤ 32");
    }
}
