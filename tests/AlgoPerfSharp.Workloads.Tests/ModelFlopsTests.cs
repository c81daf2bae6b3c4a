using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>Layer-by-layer FLOP counts against hand counts and against the models' own parameter counts.</summary>
public sealed class ModelFlopsTests
{
    [Fact]
    public void ResNetTinyMatchesAHandCount()
    {
        // stem 1→8 3×3 at 28²: 2·1·8·9·784 = 112,896
        // stage 1 (8→8, stride 1, 28²): two 3×3 convs of 2·8·8·9·784 = 903,168 each
        // stage 2 (8→16, stride 2, 14²): 2·8·16·9·196 = 451,584; 2·16·16·9·196 = 903,168; 1×1 shortcut 2·8·16·196 = 50,176
        // head 16→10: 320
        Assert.Equal(112_896 + (2 * 903_168) + 451_584 + 903_168 + 50_176 + 320, ModelFlops.ResNet(ResNetConfig.Tiny));
    }

    [Fact]
    public void ResNetCpuCountsEveryConvolutionAtItsResolution()
    {
        // Stage 1 at 28² (four 32→32 convs), stages 2 and 3 at 14² and 7²: each has a strided conv, three full-width
        // convs and a 1×1 shortcut, and halving the resolution while doubling the width keeps their cost equal.
        double stem = 2.0 * 32 * 9 * 784;
        double stage1 = 4 * (2.0 * 32 * 32 * 9 * 784);
        double stage2 = (2.0 * 32 * 64 * 9 * 196) + (3 * 2.0 * 64 * 64 * 9 * 196) + (2.0 * 32 * 64 * 196);
        double stage3 = (2.0 * 64 * 128 * 9 * 49) + (3 * 2.0 * 128 * 128 * 9 * 49) + (2.0 * 64 * 128 * 49);
        Assert.Equal(stage2, stage3);
        Assert.Equal(stem + stage1 + stage2 + stage3 + (2.0 * 128 * 10), ModelFlops.ResNet(new ResNetConfig()));
        Assert.Equal(161_017_344, ModelFlops.ResNet(new ResNetConfig()));

        // The 6·parameters estimate the bench used before undercounts convolutions by more than 30×.
        Assert.True(ModelFlops.ResNet(new ResNetConfig()) > 30 * 2 * 696_042);
    }

    [Fact]
    public void VitTinyMatchesAHandCount()
    {
        // patch 7 on 28²: 16 patches + cls = 17 tokens of width 32; patch conv 2·1·32·49·16 = 50,176
        // per block: qkv 17·2·32·96 = 104,448; QKᵀ and A·V 2·2·17²·32 = 36,992; out 17·2·32·32 = 34,816;
        // MLP 17·2·(32·64 + 64·32) = 139,264 → 315,520; two blocks; head on cls 2·32·10 = 640
        Assert.Equal(50_176 + (2 * 315_520) + 640, ModelFlops.Vit(VitConfig.Tiny));
    }

    [Theory]
    [InlineData("cpu", 824_448)]
    [InlineData("gelu", 824_448)]
    public void LlamaMatmulsCostTwicePerTokenEveryNonNormParameterPlusAttention(string which, long parameters)
    {
        // Every weight is used once per token (the tied embedding once, as the output head), so the linear layers cost
        // 2 × (parameters − RMSNorm scales) per token; the attention products add 4·T²·D per layer.
        var c = which == "cpu" ? LlamaConfig.Cpu : LlamaConfig.CpuGelu;
        long norms = ((2L * c.Layers) + 1) * c.Dim;
        double attention = c.Layers * 4.0 * c.Context * c.Context * c.Dim;
        Assert.Equal(2.0 * (parameters - norms) * c.Context, ModelFlops.Llama(c) - attention);
    }

    [Fact]
    public void QuickModelsParameterCountsAndFlopsAgreeWithTheirModules()
    {
        using var llama = new Llama(LlamaConfig.Quick, seed: 1);
        var q = LlamaConfig.Quick;
        long norms = ((2L * q.Layers) + 1) * q.Dim;
        Assert.Equal(2.0 * (llama.ParameterCount - norms) * q.Context, ModelFlops.Llama(q) - (q.Layers * 4.0 * q.Context * q.Context * q.Dim));

        using var resnet = new ResNet(ResNetConfig.Quick, seed: 1);
        // Counted by hand: stem 1→16 at 28² (144 + BN 32); three stages striding by 2, each conv1–BN–conv2–BN plus a 1×1
        // projection–BN; head 64→10. Forward FLOPs = 2 × multiply-adds of the convolutions and the head at 14², 7², 4².
        Assert.Equal(176 + (2304 + 32 + 2304 + 32 + 256 + 32) + (4608 + 64 + 9216 + 64 + 512 + 64)
            + (18_432 + 128 + 36_864 + 128 + 2048 + 128) + 650, resnet.ParameterCount);
        double Conv(int side, int cin, int cout, int k) => 2.0 * side * side * cin * cout * k * k;
        Assert.Equal(Conv(28, 1, 16, 3) + Conv(14, 16, 16, 3) + Conv(14, 16, 16, 3) + Conv(14, 16, 16, 1)
            + Conv(7, 16, 32, 3) + Conv(7, 32, 32, 3) + Conv(7, 16, 32, 1)
            + Conv(4, 32, 64, 3) + Conv(4, 64, 64, 3) + Conv(4, 32, 64, 1) + (2.0 * 64 * 10), ModelFlops.ResNet(ResNetConfig.Quick));
    }

    [Fact]
    public void ATrainingStepIsThreeForwardPasses() => Assert.Equal(3.0 * 100 * 128, ModelFlops.TrainingStep(100, 128));
}
