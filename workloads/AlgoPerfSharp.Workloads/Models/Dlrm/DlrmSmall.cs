using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models.Dlrm;

/// <summary>
/// DLRM-small as AlgoPerf's <c>criteo1tb</c> workload builds it: a bottom MLP (13 → … → D, ReLU after every layer)
/// over the dense features; one embedding per categorical feature (one id per feature per example, so an embedding
/// bag reduces to a lookup), a plain table or a <see cref="QrEmbedding"/>; <see cref="DotInteraction"/>; a top MLP
/// (→ … → 1, ReLU between layers) giving one logit per example. Unlike AlgoPerf's single shared hashed table, each
/// feature has its own table (as the DLRM reference code does), which the quotient–remainder option needs.
/// Initialisation as AlgoPerf: Linear weights Glorot-uniform, biases N(0, 1/out); plain tables U(0, 1)/√V.
/// Input: a packed (N, 13 + tables) float32 tensor, dense features then ids (exact as float32 below 2^24 rows).
/// Table gradients: dense (V, D), zero on rows absent from the batch, by default; with
/// <see cref="DlrmConfig.SparseGradients"/> the lookups are one-id embedding bags with sparse gradients (the rows looked
/// up and their values), which the harness densifies for algorithms that do not accept them.
/// With <see cref="DlrmConfig.LayerNorm"/> (AlgoPerf's <c>criteo1tb_layernorm</c>): a LayerNorm after every ReLU of
/// both MLPs and one shared LayerNorm over the embedding vectors.
/// </summary>
public sealed class DlrmSmall : Module
{
    private readonly Sequential _bottom;
    private readonly Module[] _tables;
    private readonly LayerNorm? _embeddingNorm;
    private readonly DotInteraction _interaction;
    private readonly Sequential _top;

    /// <summary>Builds the model from <paramref name="generator"/> (bottom MLP, tables, top MLP in that order).</summary>
    public DlrmSmall(DlrmConfig config, Generator generator)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        ArgumentNullException.ThrowIfNull(generator);
        _bottom = RegisterModule("bottom", Mlp([DlrmConfig.DenseFeatures, .. config.BottomHidden, config.EmbedDim], reluLast: true, config.LayerNorm, generator));
        _tables = new Module[config.TableSizes.Count];
        for (int t = 0; t < _tables.Length; t++)
        {
            long rows = config.TableSizes[t];
            _tables[t] = config.IsCompositional(t)
                ? RegisterModule($"emb{t}", new QrEmbedding(rows, config.EmbedDim, config.QrCollisions, generator))
                : RegisterModule($"emb{t}", PlainTable(rows, config.EmbedDim, generator));
        }

        if (config.LayerNorm) _embeddingNorm = RegisterModule("embedding_norm", TaggedLayers.LayerNorm(config.EmbedDim, DlrmConfig.LayerNormEps, DType.Float32));
        _interaction = RegisterModule("interaction", new DotInteraction(config.InteractionVectors));
        _top = RegisterModule("top", Mlp([config.InteractionOutput, .. config.TopHidden, 1], reluLast: false, config.LayerNorm, generator));
    }

    /// <summary>The sizes.</summary>
    public DlrmConfig Config { get; }

    /// <summary>Packed (N, 13 + tables) float32 → logits (N).</summary>
    public override Tensor Forward(Tensor input)
    {
        var dense = input.Narrow(1, 0, DlrmConfig.DenseFeatures);                                                 // (N, 13)
        var ids = input.Narrow(1, DlrmConfig.DenseFeatures, _tables.Length).To(DType.Int64);                     // (N, tables)
        var bottom = _bottom.Forward(dense);                                                                     // (N, D)
        var embedded = new Tensor[_tables.Length];
        if (Config.SparseGradients)
        {
            var bags = Tensor.Arange(input.Shape[0]);                                                            // (N): one id per bag
            var byTable = ids.T().Contiguous();                                                                  // (tables, N)
            for (int t = 0; t < _tables.Length; t++) embedded[t] = SparseLookup(_tables[t], byTable.Select(0, t), bags); // (N, D)
        }
        else
        {
            for (int t = 0; t < _tables.Length; t++) embedded[t] = _tables[t].Forward(ids.Select(1, t));         // (N, D)
        }

        Tensor stacked;                                                                                          // (N, n, D)
        if (_embeddingNorm is null)
        {
            stacked = Tensor.Stack([bottom, .. embedded], 1);
        }
        else
        {
            stacked = Tensor.Cat([bottom.Unsqueeze(1), _embeddingNorm.Forward(Tensor.Stack(embedded, 1))], 1);
        }

        var z = _interaction.Forward(stacked);                                                                   // (N, D + n(n+1)/2)
        return _top.Forward(z).Reshape(-1);                                                                      // (N)
    }

    /// <summary>Packs dense features (N·13) and ids (N·tables) row-major into the model's (N, 13 + tables) float32 input.</summary>
    public static float[] Pack(ReadOnlySpan<float> dense, ReadOnlySpan<long> ids, int count)
    {
        int tables = ids.Length / count, width = DlrmConfig.DenseFeatures + tables;
        var packed = new float[count * width];
        for (int i = 0; i < count; i++)
        {
            dense.Slice(i * DlrmConfig.DenseFeatures, DlrmConfig.DenseFeatures).CopyTo(packed.AsSpan(i * width));
            for (int t = 0; t < tables; t++) packed[(i * width) + DlrmConfig.DenseFeatures + t] = ids[(i * tables) + t];
        }

        return packed;
    }

    // ids (N) contiguous, bags = 0 … N − 1.
    private static Tensor SparseLookup(Module table, Tensor ids, Tensor bags) => table switch
    {
        QrEmbedding qr => qr.Forward(ids, bags),
        Embedding plain => Functional.EmbeddingBag(plain.Weight, ids, bags, EmbeddingBagMode.Sum, sparse: true),
        _ => throw new InvalidOperationException($"unexpected table module {table.GetType().Name}"),
    };

    private static Embedding PlainTable(long rows, int dim, Generator generator)
    {
        var table = new Embedding(rows, dim, generator);
        Init.Uniform(table.Weight, 0, 1 / Math.Sqrt(rows), generator);
        ParameterTags.Tag(table.Weight, ParameterType.Embedding);
        return table;
    }

    private static Sequential Mlp(int[] sizes, bool reluLast, bool layerNorm, Generator generator)
    {
        var layers = new List<Module>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            var linear = TaggedLayers.Linear(sizes[i], sizes[i + 1], true, generator, DType.Float32);
            Init.XavierUniform(linear.Weight, generator: generator);
            Init.Normal(linear.Bias!, 0, Math.Sqrt(1.0 / sizes[i + 1]), generator);
            layers.Add(linear);
            if (reluLast || i + 2 < sizes.Length)
            {
                layers.Add(new Relu());
                if (layerNorm) layers.Add(TaggedLayers.LayerNorm(sizes[i + 1], DlrmConfig.LayerNormEps, DType.Float32));
            }
        }

        return new Sequential([.. layers]);
    }
}
