using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// Eigenvalue-corrected Shampoo (EShampoo; purified Shampoo with an adaptive refresh): each factor's matrix is an
/// eigenbasis Q_k of F_k/bc2 + εI, refreshed as <see cref="ShampooConfig.Eigendecomposition"/> says (eigh, or warm-started
/// QR with the ‖B − diag B‖_F ≤ τ‖B‖_F skip test), and an Adam-style second moment D is kept in the rotated
/// coordinates: P = Q·[QᵀḠQ / (√(D/bc2) + ε)]·Qᵀ.
/// </summary>
internal sealed class EigenvalueCorrectedPreconditioner : IKroneckerPreconditioner
{
    private readonly ShampooConfig _c;
    private readonly Tensor _d; // corrected eigenvalues D (merged shape)

    public EigenvalueCorrectedPreconditioner(KroneckerBlocks layout, ShampooConfig config, DType dtype)
    {
        Layout = layout;
        _c = config;
        _d = DisposeScope.Detach(Tensor.Zeros(layout.MergedShape, dtype));
    }

    /// <inheritdoc/>
    public KroneckerBlocks Layout { get; }

    /// <inheritdoc/>
    public void Accumulate(Tensor merged) => Layout.Accumulate(merged, _c.Beta2, _c.FactorWeight);

    /// <inheritdoc/>
    public void Refresh(KroneckerFactor factor, long t)
    {
        using var scope = new DisposeScope();
        factor.Checks++;
        var a = factor.Accumulator.Div(_c.FactorBiasCorrection(t));
        if (_c.Epsilon != 0) Linalg.Diagonal(a).AddInPlace(_c.Epsilon);
        var r = MatrixFunction.Eigendecompose(a, _c.Eigendecomposition, factor.Matrix);
        if (!double.IsNaN(r.Criterion)) factor.LastCriterion = r.Criterion;
        factor.QrIterations += r.Iterations;
        if (r.Recomputed)
        {
            factor.Matrix.CopyInPlace(r.Eigenvectors);
            factor.HasMatrix = true;
            factor.Refreshes++;
        }
    }

    /// <inheritdoc/>
    public Tensor Precondition(ShampooBlock block, Tensor filtered, Tensor raw, long t)
    {
        // D ← β2·D + w·(QᵀGQ)², then Q·[QᵀḠQ / (√D + ε√bc2)]·Qᵀ; the remaining √bc2 is in Scale. The update of D, its root
        // and the division are one native pass (five reads and writes per element instead of twelve); each rotated
        // temporary is released as soon as it is used.
        var x = KroneckerBlocks.Rotate(filtered, block.Factors, transpose: false);
        using (var rotated = KroneckerBlocks.Rotate(raw, block.Factors, transpose: false))
        {
            FusedSteps.SecondMomentDivideInPlace(block.Of(_d), rotated, x, _c.Beta2, _c.FactorWeight, _c.Epsilon * Math.Sqrt(_c.FactorBiasCorrection(t)));
        }

        var result = KroneckerBlocks.Rotate(x, block.Factors, transpose: true);
        x.Dispose();
        return result;
    }

    /// <inheritdoc/>
    public double Scale(long t) => Math.Sqrt(_c.FactorBiasCorrection(t));

    /// <inheritdoc/>
    public IEnumerable<(string Name, Tensor Tensor)> StateTensors() => [("d", _d)];

    /// <inheritdoc/>
    public void Dispose()
    {
        _d.Dispose();
        Layout.Dispose();
    }
}
