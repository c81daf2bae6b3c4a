using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Creates the engine's layers with PyTorch's default initialisation (Linear/Conv2d: Kaiming-uniform a = √5 weight,
/// U(±1/√fan_in) bias; norms: scale 1, shift 0) and tags their parameters with a <see cref="ParameterType"/>.
/// </summary>
public static class TaggedLayers
{
    /// <summary>A linear layer whose weight is <paramref name="weightType"/> (bias: <see cref="ParameterType.Bias"/>).</summary>
    public static Linear Linear(long inFeatures, long outFeatures, bool bias, Generator generator, DType dtype, ParameterType weightType = ParameterType.Weight)
    {
        var layer = new Linear(inFeatures, outFeatures, bias, generator, dtype);
        ParameterTags.Tag(layer.Weight, weightType);
        ParameterTags.Tag(layer.Bias, ParameterType.Bias);
        return layer;
    }

    /// <summary>A 2-D convolution (weight: <see cref="ParameterType.ConvWeight"/>).</summary>
    public static Conv2d Conv(long inChannels, long outChannels, int kernel, int stride, int padding, bool bias, Generator generator, DType dtype)
    {
        var layer = new Conv2d(inChannels, outChannels, kernel, stride, padding, bias: bias, generator: generator, dtype: dtype);
        ParameterTags.Tag(layer.Weight, ParameterType.ConvWeight);
        ParameterTags.Tag(layer.Bias, ParameterType.Bias);
        return layer;
    }

    /// <summary>Batch normalisation with affine scale/shift (<see cref="ParameterType.NormScale"/>/<see cref="ParameterType.NormBias"/>).</summary>
    public static BatchNorm2d BatchNorm(long channels, double eps, double momentum, DType dtype)
    {
        var layer = new BatchNorm2d(channels, eps, momentum, dtype: dtype);
        ParameterTags.Tag(layer.Weight, ParameterType.NormScale);
        ParameterTags.Tag(layer.Bias, ParameterType.NormBias);
        return layer;
    }

    /// <summary>Layer normalisation over the last dim with affine scale/shift.</summary>
    public static LayerNorm LayerNorm(long dim, double eps, DType dtype)
    {
        var layer = new LayerNorm(dim, eps, dtype: dtype);
        ParameterTags.Tag(layer.Weight, ParameterType.NormScale);
        ParameterTags.Tag(layer.Bias, ParameterType.NormBias);
        return layer;
    }

    /// <summary>RMS normalisation over the last dim (scale only).</summary>
    public static RmsNorm RmsNorm(long dim, double eps, DType dtype)
    {
        var layer = new RmsNorm(dim, eps, dtype);
        ParameterTags.Tag(layer.Weight, ParameterType.NormScale);
        return layer;
    }
}
