namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// 2-D convolution layer (PyTorch's <c>nn.Conv2d</c>): weight (C_out, C_in / groups, kH, kW), bias (C_out).
/// Initialised as PyTorch does: weight ~ Kaiming-uniform with a = √5, then bias ~ U(±1/√fan_in) with
/// fan_in = C_in / groups · kH · kW, both from <c>generator</c> in that order.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer and initialises it from <paramref name="generator"/> (libtorch's default when null).</summary>
    /// <param name="inChannels">C_in.</param>
    /// <param name="outChannels">C_out.</param>
    /// <param name="kernelSize">(kH, kW).</param>
    /// <param name="stride">Default 1.</param>
    /// <param name="padding">Zero padding on both sides; default 0.</param>
    /// <param name="dilation">Default 1.</param>
    /// <param name="groups">C_in and C_out must be divisible by it.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="generator">Random source for the initial values; the caller keeps ownership.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="device">Parameter device.</param>
    public Conv2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, long groups = 1, bool bias = true, Generator? generator = null, DType dtype = DType.Float32, Device device = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})", nameof(groups));
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width], dtype, device));
        Init.KaimingUniform(Weight, a: Math.Sqrt(5), generator: generator);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Empty([outChannels], dtype, device));
            long fanIn = inChannels / groups * kernelSize.Height * kernelSize.Width;
            double bound = 1 / Math.Sqrt(fanIn);
            Init.Uniform(Bias, -bound, bound, generator);
        }
    }

    /// <summary>C_in.</summary>
    public long InChannels { get; }

    /// <summary>C_out.</summary>
    public long OutChannels { get; }

    /// <summary>(kH, kW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Window step.</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding on both sides.</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>Channel groups.</summary>
    public long Groups { get; }

    /// <summary>(C_out, C_in / groups, kH, kW).</summary>
    public Parameter Weight { get; }

    /// <summary>(C_out), or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>(N, C_in, H, W) → (N, C_out, H_out, W_out); see <see cref="Functional.Conv2d"/>.</summary>
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias?.Data, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, groups={Groups}, bias={Bias is not null}";
}
