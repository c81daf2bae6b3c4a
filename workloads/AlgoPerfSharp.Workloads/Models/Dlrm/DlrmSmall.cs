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
/// Gradients of the tables are dense (libtorch's embedding backward with sparse = false): optimizers receive full
/// (V, D) gradients that are zero on rows absent from the batch.
/// </summary>
public sealed class DlrmSmall : Module
{
    private readonly Sequential _bottom;
    private readonly Module[] _tables;
    private readonly DotInteraction _interaction;
    private readonly Sequential _top;

    /// <summary>Builds the model from <paramref name="generator"/> (bottom MLP, tables, top MLP in that order).</summary>
    public DlrmSmall(DlrmConfig config, Generator generator)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        ArgumentNullException.ThrowIfNull(generator);
        _bottom = RegisterModule("bottom", Mlp([DlrmConfig.DenseFeatures, .. config.BottomHidden, config.EmbedDim], reluLast: true, generator));
        _tables = new Module[config.TableSizes.Count];
        for (int t = 0; t < _tables.Length; t++)
        {
            long rows = config.TableSizes[t];
            _tables[t] = config.IsCompositional(t)
                ? RegisterModule($"emb{t}", new QrEmbedding(rows, config.EmbedDim, config.QrCollisions, generator))
                : RegisterModule($"emb{t}", PlainTable(rows, config.EmbedDim, generator));
        }

        _interaction = RegisterModule("interaction", new DotInteraction(config.InteractionVectors));
        _top = RegisterModule("top", Mlp([config.InteractionOutput, .. config.TopHidden, 1], reluLast: false, generator));
    }

    /// <summary>The sizes.</summary>
    public DlrmConfig Config { get; }

    /// <summary>Packed (N, 13 + tables) float32 → logits (N).</summary>
    public override Tensor Forward(Tensor input)
    {
        var dense = input.Narrow(1, 0, DlrmConfig.DenseFeatures);                                                 // (N, 13)
        var ids = input.Narrow(1, DlrmConfig.DenseFeatures, _tables.Length).To(DType.Int64);                     // (N, tables)
        var vectors = new Tensor[_tables.Length + 1];
        vectors[0] = _bottom.Forward(dense);                                                                     // (N, D)
        for (int t = 0; t < _tables.Length; t++) vectors[t + 1] = _tables[t].Forward(ids.Select(1, t));          // (N, D)
        var z = _interaction.Forward(Tensor.Stack(vectors, 1));                                                  // (N, D + n(n+1)/2)
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

    private static Embedding PlainTable(long rows, int dim, Generator generator)
    {
        var table = new Embedding(rows, dim, generator);
        Init.Uniform(table.Weight, 0, 1 / Math.Sqrt(rows), generator);
        ParameterTags.Tag(table.Weight, ParameterType.Embedding);
        return table;
    }

    private static Sequential Mlp(int[] sizes, bool reluLast, Generator generator)
    {
        var layers = new List<Module>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            var linear = TaggedLayers.Linear(sizes[i], sizes[i + 1], true, generator, DType.Float32);
            Init.XavierUniform(linear.Weight, generator: generator);
            Init.Normal(linear.Bias!, 0, Math.Sqrt(1.0 / sizes[i + 1]), generator);
            layers.Add(linear);
            if (reluLast || i + 2 < sizes.Length) layers.Add(new Relu());
        }

        return new Sequential([.. layers]);
    }
}
