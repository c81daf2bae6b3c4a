namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>One factor due for its amortized computation: the parameter state that owns it, its block and its dim.</summary>
internal readonly record struct FactorRefresh(FactoredParameterState State, ShampooBlock Block, int K)
{
    /// <summary>The factor itself.</summary>
    public KroneckerFactor Factor => Block.Factors[K]!;
}
