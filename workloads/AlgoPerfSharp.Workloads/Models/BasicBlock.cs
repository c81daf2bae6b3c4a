using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// ResNet's BasicBlock: act(BN(conv3×3(act(BN(conv3×3(x, stride))))) + shortcut(x)); the shortcut is the identity,
/// or conv1×1(stride)–BN when the stride or width changes. Convolutions have no bias (BN follows each).
/// </summary>
public sealed class BasicBlock : Module
{
    private readonly Activation _activation;
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Conv2d _conv2;
    private readonly BatchNorm2d _bn2;
    private readonly Conv2d? _downConv;
    private readonly BatchNorm2d? _downBn;

    /// <summary>Creates the block from <paramref name="generator"/> (conv weights in registration order).</summary>
    public BasicBlock(int inChannels, int outChannels, int stride, ResNetConfig config, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(config);
        _activation = config.Activation;
        _conv1 = RegisterModule("conv1", TaggedLayers.Conv(inChannels, outChannels, 3, stride, 1, false, generator, config.DType));
        _bn1 = RegisterModule("bn1", TaggedLayers.BatchNorm(outChannels, config.BatchNormEps, config.BatchNormMomentum, config.DType));
        _conv2 = RegisterModule("conv2", TaggedLayers.Conv(outChannels, outChannels, 3, 1, 1, false, generator, config.DType));
        _bn2 = RegisterModule("bn2", TaggedLayers.BatchNorm(outChannels, config.BatchNormEps, config.BatchNormMomentum, config.DType));
        if (stride != 1 || inChannels != outChannels)
        {
            _downConv = RegisterModule("down_conv", TaggedLayers.Conv(inChannels, outChannels, 1, stride, 0, false, generator, config.DType));
            _downBn = RegisterModule("down_bn", TaggedLayers.BatchNorm(outChannels, config.BatchNormEps, config.BatchNormMomentum, config.DType));
        }
    }

    /// <summary>(N, C_in, H, W) → (N, C_out, H / stride, W / stride).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var h = _activation.Apply(_bn1.Forward(_conv1.Forward(input))); // (N, C_out, H', W')
        h = _bn2.Forward(_conv2.Forward(h));                            // (N, C_out, H', W')
        var shortcut = _downConv is null ? input : _downBn!.Forward(_downConv.Forward(input));
        return _activation.Apply(h + shortcut);
    }
}
