namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Root-mean-square normalisation over the last dim, y = x · rsqrt(mean(x²) + eps) · weight (Llama's RMSNorm;
/// weight (D) = 1). See <see cref="Functional.RmsNorm"/>.
/// </summary>
public sealed class RmsNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dim">D, the size of the last dim.</param>
    /// <param name="eps">Added to the mean square.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="device">Parameter device.</param>
    public RmsNorm(long dim, double eps = 1e-6, DType dtype = DType.Float32, Device device = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Dim = dim;
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones([dim], dtype, device));
    }

    /// <summary>D.</summary>
    public long Dim { get; }

    /// <summary>Added to the mean square.</summary>
    public double Eps { get; }

    /// <summary>Scale (D).</summary>
    public Parameter Weight { get; }

    /// <summary>(*, D) → (*, D).</summary>
    public override Tensor Forward(Tensor input) => Functional.RmsNorm(input, Weight, Eps);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{Dim}, eps={Eps}";
}
