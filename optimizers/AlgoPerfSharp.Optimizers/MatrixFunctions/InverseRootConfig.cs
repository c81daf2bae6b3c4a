namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>
/// How <see cref="MatrixFunction.InverseRoot"/> computes (A + εI)^(−1/r) by eigh: ε is added before the
/// decomposition; when λ_min &lt; ε afterwards, the spectrum is shifted by ε − λ_min (facebookresearch's rule);
/// a failed float32 decomposition is retried in float64 when <see cref="RetryFloat64"/>.
/// </summary>
public sealed record InverseRootConfig
{
    /// <summary>Validates and creates the config.</summary>
    /// <exception cref="ArgumentException">ε is negative or not finite.</exception>
    public InverseRootConfig(double epsilon = 1e-12, bool retryFloat64 = true)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be finite and ≥ 0 (got {epsilon})", nameof(epsilon));
        Epsilon = epsilon;
        RetryFloat64 = retryFloat64;
    }

    /// <summary>ε added to the diagonal before the root.</summary>
    public double Epsilon { get; }

    /// <summary>Retry a failed float32 eigh in float64.</summary>
    public bool RetryFloat64 { get; }
}
