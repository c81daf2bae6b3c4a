namespace AlgoPerfSharp.Contracts;

/// <summary>Groupings of <see cref="ParameterType"/> that algorithms commonly need.</summary>
public static class ParameterTypeExtensions
{
    /// <summary>True for biases and normalisation parameters — the ones conventionally excluded from weight decay.</summary>
    public static bool IsBiasOrNorm(this ParameterType type) =>
        type is ParameterType.Bias or ParameterType.NormScale or ParameterType.NormBias;

    /// <summary>True for hidden matrix-shaped weights (dense, conv, attention) — where Muon-style orthogonalisation applies.</summary>
    public static bool IsHiddenMatrix(this ParameterType type) =>
        type is ParameterType.Weight or ParameterType.ConvWeight or ParameterType.AttentionQ or ParameterType.AttentionK
            or ParameterType.AttentionV or ParameterType.AttentionQkv or ParameterType.AttentionOut;
}
