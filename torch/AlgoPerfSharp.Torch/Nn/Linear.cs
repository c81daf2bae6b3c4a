namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Fully connected layer y = x Wᵀ + b (PyTorch's <c>nn.Linear</c>): weight (out, in), bias (out). Initialised as
/// PyTorch does: weight ~ Kaiming-uniform with a = √5 (U(±1/√in)), then bias ~ U(±1/√in), both from
/// <c>generator</c> in that order.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initialises it from <paramref name="generator"/> (libtorch's default when null).</summary>
    /// <param name="inFeatures">Input size (last dim of the input).</param>
    /// <param name="outFeatures">Output size.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="generator">Random source for the initial values; the caller keeps ownership.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="device">Parameter device.</param>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Generator? generator = null, DType dtype = DType.Float32, Device device = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures], dtype, device));
        Init.KaimingUniform(Weight, a: Math.Sqrt(5), generator: generator);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Empty([outFeatures], dtype, device));
            double bound = 1 / Math.Sqrt(inFeatures);
            Init.Uniform(Bias, -bound, bound, generator);
        }
    }

    /// <summary>Input size.</summary>
    public long InFeatures { get; }

    /// <summary>Output size.</summary>
    public long OutFeatures { get; }

    /// <summary>(out, in).</summary>
    public Parameter Weight { get; }

    /// <summary>(out), or null when created without bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>(*, in) → (*, out).</summary>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias?.Data);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Bias is not null}";
}
