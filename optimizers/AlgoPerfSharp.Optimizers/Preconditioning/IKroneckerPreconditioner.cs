using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The matrix part of a Shampoo-family method for one parameter: accumulate the Kronecker factor statistics every step,
/// refresh each factor's matrix (an inverse root, or an eigenbasis) on amortized steps, and precondition a block.
/// Implementations: <see cref="RootInversePreconditioner"/> (classic Shampoo) and
/// <see cref="EigenvalueCorrectedPreconditioner"/> (EShampoo / purified Shampoo). Owns its tensors; not thread-safe.
/// </summary>
internal interface IKroneckerPreconditioner : IDisposable
{
    /// <summary>The blocks and factors.</summary>
    KroneckerBlocks Layout { get; }

    /// <summary>
    /// F_k ← β2·F_k + w·contract(G, G, all dims but k) from the merged (raw, L2-augmented) gradient, with the config's β2
    /// and w (<see cref="ShampooConfig.FactorWeight"/>); <see cref="ScaleByShampoo"/> runs the same updates of all
    /// parameters at once through <see cref="KroneckerBlocks.AccumulateAll"/>.
    /// </summary>
    void Accumulate(Tensor merged);

    /// <summary>
    /// The amortized computation of one factor at step <paramref name="t"/>; counts it on the factor. Throws on failure,
    /// leaving the previous matrix in place.
    /// </summary>
    void Refresh(KroneckerFactor factor, long t);

    /// <summary>
    /// The preconditioned direction of one block, up to the scalar <see cref="Scale"/>: <paramref name="filtered"/> is the
    /// block of the filtered gradient, <paramref name="raw"/> the block of the raw gradient (for second moments kept in
    /// the rotated coordinates). Returns a new tensor of the block's shape.
    /// </summary>
    Tensor Precondition(ShampooBlock block, Tensor filtered, Tensor raw, long t);

    /// <summary>The scalar the result of <see cref="Precondition"/> is multiplied by at step <paramref name="t"/> (bias corrections folded out of the elementwise passes).</summary>
    double Scale(long t);

    /// <summary>State tensors besides the factors, with stable names (for checkpoints).</summary>
    IEnumerable<(string Name, Tensor Tensor)> StateTensors();
}
