namespace AlgoPerfSharp.Workloads;

/// <summary>
/// What a model parameter is. The member names equal <c>AlgoPerfSharp.Optimizers.ParameterType</c>'s: the harness
/// maps one to the other by name (workloads do not depend on the optimizers, as AlgoPerf's workloads do not know which
/// submission runs).
/// </summary>
public enum ParameterKind
{
    /// <summary>Dense (linear-layer) weight, (out, in).</summary>
    Weight,

    /// <summary>Bias vector.</summary>
    Bias,

    /// <summary>Convolution kernel, (out, in/groups, kh, kw).</summary>
    ConvWeight,

    /// <summary>Normalisation scale (BatchNorm/LayerNorm/RMSNorm gain).</summary>
    NormScale,

    /// <summary>Normalisation shift.</summary>
    NormBias,

    /// <summary>Embedding table (vocab, dim), possibly tied to the output head.</summary>
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

    /// <summary>Final classifier / output head.</summary>
    OutputHead,

    /// <summary>Anything else (position embeddings, class token).</summary>
    Other,
}
