using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>
/// The result of <see cref="MatrixFunction.Eigendecompose"/>: A ≈ Q·diag(λ)·Qᵀ. The caller owns both tensors.
/// </summary>
/// <param name="Eigenvalues">λ (n), ascending (for a kept basis: the Rayleigh quotients diag(QᵀAQ) in Q's column order).</param>
/// <param name="Eigenvectors">Q (n, n), eigenvectors as columns.</param>
/// <param name="Iterations">QR iterations run (0 for eigh, or when the criterion already held).</param>
/// <param name="Recomputed">True when the basis was recomputed (eigh ran, or at least one QR iteration); false when kept.</param>
/// <param name="Criterion">‖B − diag B‖_F / ‖B‖_F for the basis passed in (before any iteration); NaN when not evaluated.</param>
public sealed record EigendecompositionResult(Tensor Eigenvalues, Tensor Eigenvectors, int Iterations, bool Recomputed, double Criterion) : IDisposable
{
    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Eigenvalues.Dispose();
        Eigenvectors.Dispose();
    }
}
