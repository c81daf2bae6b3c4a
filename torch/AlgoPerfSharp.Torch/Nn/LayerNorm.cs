namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Layer normalisation over the trailing dims (PyTorch's <c>nn.LayerNorm</c>): weight = 1 and bias = 0 shaped like
/// the normalised dims.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly long[] _normalizedShape;

    /// <summary>Normalises over the last dim of size <paramref name="normalizedDim"/>.</summary>
    /// <param name="normalizedDim">Size of the last dim.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Learn weight and bias.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="device">Parameter device.</param>
    public LayerNorm(long normalizedDim, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device device = default)
        : this([normalizedDim], eps, elementwiseAffine, dtype, device)
    {
    }

    /// <summary>Normalises over the trailing dims <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The trailing dims, e.g. [C] or [H, W].</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Learn weight and bias.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="device">Parameter device.</param>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"normalizedShape must be non-empty and positive, got [{string.Join(", ", normalizedShape)}]", nameof(normalizedShape));
        }

        _normalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape, dtype, device));
            Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape, dtype, device));
        }
    }

    /// <summary>The normalised trailing dims (a copy).</summary>
    public long[] NormalizedShape => (long[])_normalizedShape.Clone();

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Scale shaped like <see cref="NormalizedShape"/>, or null.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift shaped like <see cref="NormalizedShape"/>, or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>(*, normalized_shape...) → same shape.</summary>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _normalizedShape, Weight?.Data, Bias?.Data, Eps);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"[{string.Join(", ", _normalizedShape)}], eps={Eps}, elementwise_affine={Weight is not null}";
}
