namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>How an eigenbasis is (re)computed.</summary>
public enum EigendecompositionMethod
{
    /// <summary>A full symmetric eigendecomposition (LAPACK <c>syevd</c> through <c>torch.linalg.eigh</c>).</summary>
    Eigh,

    /// <summary>Warm-started unshifted QR iteration from the previous eigenvectors (facebookresearch's <c>qr_algorithm</c>).</summary>
    QrIteration,
}
