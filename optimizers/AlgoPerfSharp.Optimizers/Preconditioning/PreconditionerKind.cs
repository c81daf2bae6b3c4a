namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>What the Kronecker factors are turned into.</summary>
public enum PreconditionerKind
{
    /// <summary>Classic Shampoo: inverse roots X_k = (F_k/bc + εI)^(−1/(2·order)) applied on each dim.</summary>
    RootInverse,

    /// <summary>
    /// Eigenvalue-corrected Shampoo (EShampoo, purified Shampoo; SOAP is its own transform, <see cref="ScaleBySoap"/>):
    /// only the factors' eigenbases are used; an Adam-style second moment
    /// D is accumulated in the rotated coordinates and P = Q·[QᵀḠQ / (√(D/bc) + ε)]·Qᵀ.
    /// </summary>
    EigenvalueCorrected,
}
