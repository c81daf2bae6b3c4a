using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// Classic Shampoo: each factor's matrix is X_k = (F_k/bc2 + εI)^(−1/(2·order)) and a block's direction is
/// Ḡ ×_1 X_1 ×_2 X_2 … (facebookresearch's <c>RootInvShampooPreconditionerConfig</c> with eigh roots).
/// </summary>
internal sealed class RootInversePreconditioner(KroneckerBlocks layout, ShampooConfig config) : IKroneckerPreconditioner
{
    /// <inheritdoc/>
    public KroneckerBlocks Layout { get; } = layout;

    /// <inheritdoc/>
    public void Accumulate(Tensor merged) => Layout.Accumulate(merged, config.Beta2, config.FactorWeight);

    /// <inheritdoc/>
    public void Refresh(KroneckerFactor factor, long t)
    {
        using var scope = new DisposeScope();
        factor.Checks++;
        int order = Layout.MergedShape.Length;
        var a = factor.Accumulator.Div(config.FactorBiasCorrection(t));
        var x = MatrixFunction.InverseRoot(a, 2.0 * Math.Max(order, 1), new InverseRootConfig(config.Epsilon, config.Eigendecomposition.RetryFloat64));
        factor.Matrix.CopyInPlace(x);
        factor.HasMatrix = true;
        factor.Refreshes++;
    }

    /// <inheritdoc/>
    public Tensor Precondition(ShampooBlock block, Tensor filtered, Tensor raw, long t) => KroneckerBlocks.Rotate(filtered, block.Factors, transpose: false);

    /// <inheritdoc/>
    public double Scale(long t) => 1;

    /// <inheritdoc/>
    public IEnumerable<(string Name, Tensor Tensor)> StateTensors() => [];

    /// <inheritdoc/>
    public void Dispose() => Layout.Dispose();
}
