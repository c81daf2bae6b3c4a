namespace AlgoPerfSharp.Workloads.Models.Dlrm;

/// <summary>
/// Sizes of a DLRM (arXiv 1906.00091) as AlgoPerf's <c>DlrmSmall</c> builds it. Validated on construction.
/// </summary>
/// <param name="TableSizes">Rows of each categorical table (26 for Criteo).</param>
/// <param name="EmbedDim">D: size of every embedding and of the bottom MLP's output.</param>
/// <param name="BottomHidden">Hidden sizes of the bottom MLP (13 → … → D).</param>
/// <param name="TopHidden">Hidden sizes of the top MLP (interaction → … → 1).</param>
/// <param name="QrThreshold">Tables with more rows than this are compositional (quotient–remainder); null = none.</param>
/// <param name="QrCollisions">Rows m of a compositional table's remainder table (the quotient table has ⌈V/m⌉ rows).</param>
public sealed record DlrmConfig(
    IReadOnlyList<long> TableSizes, int EmbedDim, IReadOnlyList<int> BottomHidden, IReadOnlyList<int> TopHidden,
    long? QrThreshold = null, int QrCollisions = 4)
{
    /// <summary>Largest table the packed input can address exactly (ids travel as float32).</summary>
    public const long MaxTableRows = 1L << 24;

    /// <summary>Dense inputs.</summary>
    public const int DenseFeatures = 13;

    /// <summary>The validated sizes.</summary>
    public IReadOnlyList<long> TableSizes { get; } = Check(TableSizes);

    /// <summary>The validated embedding size.</summary>
    public int EmbedDim { get; } = EmbedDim >= 1 ? EmbedDim : throw new ArgumentException($"EmbedDim must be ≥ 1 (got {EmbedDim})", nameof(EmbedDim));

    /// <summary>The validated remainder size.</summary>
    public int QrCollisions { get; } = QrCollisions >= 2 ? QrCollisions : throw new ArgumentException($"QrCollisions must be ≥ 2 (got {QrCollisions})", nameof(QrCollisions));

    /// <summary>
    /// The tables' lookups ask libtorch for sparse gradients (<c>embedding_bag</c> with sparse = true): a plain table's
    /// and a compositional table's quotient gradient is a sparse COO tensor of the rows looked up (the small remainder
    /// tables stay dense). The harness densifies them for algorithms that do not accept sparse gradients.
    /// </summary>
    public bool SparseGradients { get; init; }

    /// <summary>
    /// AlgoPerf's <c>criteo1tb_layernorm</c> change: a LayerNorm (ε 1e-6, learned scale and shift) after every ReLU
    /// of both MLPs and one shared over every embedding vector before the interaction.
    /// </summary>
    public bool LayerNorm { get; init; }

    /// <summary>Epsilon of the <see cref="LayerNorm"/> variant's normalisations (AlgoPerf's).</summary>
    public const double LayerNormEps = 1e-6;

    /// <summary>Vectors entering the interaction: the bottom MLP's output and one per table.</summary>
    public int InteractionVectors => TableSizes.Count + 1;

    /// <summary>Top-MLP input: the upper triangle of the n × n dot products including the diagonal, plus the bottom output (AlgoPerf's DotInteract).</summary>
    public int InteractionOutput => (InteractionVectors * (InteractionVectors + 1) / 2) + EmbedDim;

    /// <summary>Whether table <paramref name="table"/> is compositional.</summary>
    public bool IsCompositional(int table) => QrThreshold is { } t && TableSizes[table] > t;

    private static IReadOnlyList<long> Check(IReadOnlyList<long> tableSizes)
    {
        ArgumentNullException.ThrowIfNull(tableSizes);
        if (tableSizes.Count == 0) throw new ArgumentException("TableSizes must not be empty", nameof(tableSizes));
        foreach (long v in tableSizes)
        {
            if (v < 1 || v > MaxTableRows) throw new ArgumentException($"TableSizes entries must be in [1, {MaxTableRows}] (got {v}); hash larger vocabularies into a smaller table", nameof(tableSizes));
        }

        return tableSizes.ToArray();
    }
}
