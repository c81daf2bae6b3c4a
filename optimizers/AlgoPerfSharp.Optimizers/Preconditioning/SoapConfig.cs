using AlgoPerfSharp.Optimizers.MatrixFunctions;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// nikhilvyas/SOAP's knobs (optimizers.md §6), validated in the constructor; defaults are the reference's (the learning
/// rate 3e-3 is the schedule's). SOAP is eigenvalue-corrected Shampoo with its own step (<see cref="ScaleBySoap"/>): no
/// dimension merging, dims above <see cref="MaxPreconditionerDim"/> and (by default) vectors left unrotated.
/// </summary>
public sealed record SoapConfig
{
    /// <summary>Validates and creates the config.</summary>
    /// <param name="beta1">EMA of the gradient, in [0, 1).</param>
    /// <param name="beta2">EMA of the rotated second moment, in (0, 1).</param>
    /// <param name="epsilon">Added after √v, ≥ 0 (so ε_eff = ε/√(1−β2ᵗ) against PyTorch's Adam).</param>
    /// <param name="weightDecay">λ ≥ 0, applied after the step on the updated weights with the un-bias-corrected η.</param>
    /// <param name="preconditionFrequency">f ≥ 1: one power iteration + QR every f steps.</param>
    /// <param name="maxPreconditionerDim">Dims larger than this are not rotated, ≥ 1.</param>
    /// <param name="shampooBeta">EMA of the factors; −1 means β2.</param>
    /// <param name="precondition1D">Rotate vectors too (the reference's default: no).</param>
    /// <param name="useBiasCorrection">Step size η·√(1−β2ᵗ)/(1−β1ᵗ) instead of η.</param>
    /// <param name="retryFloat64">Retry a failed float32 eigh in float64.</param>
    /// <exception cref="ArgumentException">A field is out of range (the message names it and the value).</exception>
    public SoapConfig(
        double beta1 = 0.95, double beta2 = 0.95, double epsilon = 1e-8, double weightDecay = 0.01, int preconditionFrequency = 10,
        int maxPreconditionerDim = 10000, double shampooBeta = -1, bool precondition1D = false, bool useBiasCorrection = true, bool retryFloat64 = true)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 > 0)) throw new ArgumentException($"beta2 must be in (0, 1) (got {beta2})", nameof(beta2));
        if (!(beta2 < 1)) throw new ArgumentException($"SOAP needs beta2 < 1 (got {beta2})", nameof(beta2));
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be finite and ≥ 0 (got {epsilon})", nameof(epsilon));
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weight_decay must be finite and ≥ 0 (got {weightDecay})", nameof(weightDecay));
        if (preconditionFrequency < 1) throw new ArgumentException($"precondition_frequency must be ≥ 1 (got {preconditionFrequency})", nameof(preconditionFrequency));
        if (maxPreconditionerDim < 1) throw new ArgumentException($"max_preconditioner_dim must be ≥ 1 (got {maxPreconditionerDim})", nameof(maxPreconditionerDim));
        if (shampooBeta != -1 && !(shampooBeta >= 0 && shampooBeta < 1)) throw new ArgumentException($"shampoo_beta must be −1 or in [0, 1) (got {shampooBeta})", nameof(shampooBeta));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        PreconditionFrequency = preconditionFrequency;
        MaxPreconditionerDim = maxPreconditionerDim;
        ShampooBeta = shampooBeta == -1 ? beta2 : shampooBeta;
        Precondition1D = precondition1D;
        UseBiasCorrection = useBiasCorrection;
        RetryFloat64 = retryFloat64;
    }

    /// <summary>EMA of the gradient.</summary>
    public double Beta1 { get; }

    /// <summary>EMA of the rotated second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε after √v.</summary>
    public double Epsilon { get; }

    /// <summary>λ (decay after the step).</summary>
    public double WeightDecay { get; }

    /// <summary>f.</summary>
    public int PreconditionFrequency { get; }

    /// <summary>Largest rotated dim.</summary>
    public int MaxPreconditionerDim { get; }

    /// <summary>EMA of the factors (resolved from −1).</summary>
    public double ShampooBeta { get; }

    /// <summary>Rotate vectors.</summary>
    public bool Precondition1D { get; }

    /// <summary>Bias-corrected step size.</summary>
    public bool UseBiasCorrection { get; }

    /// <summary>Retry a failed float32 eigh in float64.</summary>
    public bool RetryFloat64 { get; }
}
