namespace AlgoPerfSharp.Contracts;

/// <summary>
/// What a model parameter is, so an algorithm can treat kinds differently (e.g. no weight decay on biases and norm
/// scales, Muon only on hidden matrices) without identifying the workload. Mirrors AlgoPerf's <c>ParameterType</c>.
/// </summary>
public enum ParameterType
{
    /// <summary>A dense (linear-layer) weight matrix, shape (out, in).</summary>
    Weight,

    /// <summary>A bias vector.</summary>
    Bias,

    /// <summary>A convolution kernel, shape (out, in/groups, kh, kw).</summary>
    ConvWeight,

    /// <summary>A normalisation layer's scale (BatchNorm/LayerNorm/RMSNorm gain).</summary>
    NormScale,

    /// <summary>A normalisation layer's shift.</summary>
    NormBias,

    /// <summary>An embedding table, shape (vocab, dim); may double as the tied output head.</summary>
    Embedding,

    /// <summary>Attention query projection.</summary>
    AttentionQ,

    /// <summary>Attention key projection.</summary>
    AttentionK,

    /// <summary>Attention value projection.</summary>
    AttentionV,

    /// <summary>Fused query/key/value projection.</summary>
    AttentionQkv,

    /// <summary>Attention output projection.</summary>
    AttentionOut,

    /// <summary>The model's final classifier / output head.</summary>
    OutputHead,

    /// <summary>Anything else (position embeddings, class tokens, ...).</summary>
    Other,
}
