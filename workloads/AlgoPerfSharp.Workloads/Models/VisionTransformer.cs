using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// The image-classification ViT (see <see cref="VitConfig"/>). Initialisation: PyTorch's defaults for the patch
/// convolution and every Linear (Kaiming-uniform a = √5 weight, U(±1/√fan_in) bias), LayerNorm scale 1 / shift 0,
/// class token 0, position embedding N(0, 0.02²) — drawn from one generator in registration order.
/// </summary>
public sealed class VisionTransformer : Module
{
    private readonly VitConfig _config;
    private readonly Generator _dropoutGenerator;
    private readonly Conv2d _patchEmbed;
    private readonly Parameter _classToken;
    private readonly Parameter _positionEmbedding;
    private readonly List<TransformerBlock> _blocks = [];
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    /// <summary>Builds the network with weights drawn from <paramref name="seed"/>; <paramref name="dropout"/> applies to each residual branch.</summary>
    public VisionTransformer(VitConfig config, ulong seed, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _dropoutGenerator = DropoutGenerators.Create(seed, dropout);
        using var g = new Generator(seed);
        _patchEmbed = RegisterModule("patch_embed", TaggedLayers.Conv(config.InChannels, config.Dim, config.PatchSize, config.PatchSize, 0, true, g, config.DType));
        _classToken = RegisterParameter("cls_token", Tensor.Zeros([1, 1, config.Dim], config.DType));
        ParameterTags.Tag(_classToken, ParameterType.Other);
        _positionEmbedding = RegisterParameter("pos_embed", Tensor.Empty([1, config.NumPatches + 1, config.Dim], config.DType));
        ParameterTags.Tag(_positionEmbedding, ParameterType.Other);
        Init.Normal(_positionEmbedding, 0, 0.02, g);
        for (int i = 0; i < config.Depth; i++) _blocks.Add(RegisterModule($"block{i + 1}", new TransformerBlock(config, g, dropout, _dropoutGenerator)));
        _norm = RegisterModule("norm", TaggedLayers.LayerNorm(config.Dim, config.LayerNormEps, config.DType));
        _head = RegisterModule("head", TaggedLayers.Linear(config.Dim, config.NumClasses, true, g, config.DType, ParameterType.OutputHead));
    }

    /// <summary>The architecture.</summary>
    public VitConfig Config => _config;

    /// <summary>The classifier.</summary>
    public Linear Head => _head;

    /// <summary>Images (N, C, H, W) → logits (N, classes).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        long n = input.Size(0);
        var patches = _patchEmbed.Forward(input).Flatten(2).Transpose(1, 2);     // (N, 49, D)
        var cls = _classToken.Data.Expand(n, 1, _config.Dim);                     // (N, 1, D)
        var x = Tensor.Cat([cls, patches], 1) + _positionEmbedding;               // (N, 50, D)
        foreach (var block in _blocks) x = block.Forward(x);                     // (N, 50, D)
        var first = _norm.Forward(x.Select(1, 0));                                // (N, D): the class token
        return _head.Forward(first);                                              // (N, 10)
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _dropoutGenerator.Dispose();
        base.Dispose(disposing);
    }
}
