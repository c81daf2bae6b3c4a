namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Inverted dropout (PyTorch's <c>nn.Dropout</c>): in training, zeroes each element with probability p and scales the
/// rest by 1 / (1 − p), with masks drawn from <see cref="Generator"/> (reproducible when seeded); identity in evaluation.
/// </summary>
public sealed class Dropout : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="p">Probability of zeroing an element, in [0, 1].</param>
    /// <param name="generator">Source of the masks (libtorch's default generator when null). Not owned: the caller disposes it after the module.</param>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        P = p;
        Generator = generator;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>Source of the masks, or null for libtorch's default generator.</summary>
    public Generator? Generator { get; }

    /// <summary>Any shape → same shape.</summary>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, IsTraining, Generator);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={P}";
}
