namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c> (PyTorch's <c>nn.Embedding</c>):
/// weight (V, D) ~ N(0, 1) from <c>generator</c>, as PyTorch initialises it.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table.</summary>
    /// <param name="numEmbeddings">V, the number of rows.</param>
    /// <param name="embeddingDim">D, the vector size.</param>
    /// <param name="generator">Random source for the initial values (libtorch's default when null); the caller keeps ownership.</param>
    /// <param name="dtype">Weight dtype.</param>
    /// <param name="device">Weight device.</param>
    public Embedding(long numEmbeddings, long embeddingDim, Generator? generator = null, DType dtype = DType.Float32, Device device = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", Tensor.Empty([numEmbeddings, embeddingDim], dtype, device));
        Init.Normal(Weight, 0, 1, generator);
    }

    /// <summary>V.</summary>
    public long NumEmbeddings { get; }

    /// <summary>D.</summary>
    public long EmbeddingDim { get; }

    /// <summary>(V, D).</summary>
    public Parameter Weight { get; }

    /// <summary>Integer indices (*) → (*, D).</summary>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}";
}
