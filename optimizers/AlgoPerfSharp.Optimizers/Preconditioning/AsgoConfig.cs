namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The validated configuration of <see cref="ScaleByAsgo"/>: ASGO's one-sided full-matrix preconditioner or, with
/// <see cref="Diagonal"/>, DASGO's per-column diagonal one (infinity-stars/ASGO's defaults: β1 0.9; β2 0.8 and ε 1e-10
/// for ASGO, 0.95 and 1e-8 for DASGO; update RMS 0.2).
/// </summary>
public sealed record AsgoConfig
{
    /// <summary>Validates and creates the configuration.</summary>
    /// <param name="momentum">β1 ∈ [0, 1): the momentum EMA M ← β1·M + (1 − β1)·G.</param>
    /// <param name="beta2">β2 ∈ [0, 1): the statistic's EMA P ← β2·P + (1 − β2)·S (0 = the current gradient's S only).</param>
    /// <param name="epsilon">ε &gt; 0: the root is of P + εI (ASGO) or p + ε (DASGO).</param>
    /// <param name="diagonal">DASGO: a per-column second moment instead of the smaller side's Gram matrix.</param>
    /// <param name="updateRms">The RMS every update is scaled to (&gt; 0).</param>
    /// <exception cref="ArgumentException">A field is out of range (the message names it and the value).</exception>
    public AsgoConfig(double momentum = 0.9, double beta2 = 0.8, double epsilon = 1e-10, bool diagonal = false, double updateRms = 0.2)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentException($"momentum (beta1) must be in [0, 1) (got {momentum})", nameof(momentum));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be a finite number > 0 (got {epsilon}); the inverse root of a singular statistic needs it", nameof(epsilon));
        if (!(updateRms > 0) || double.IsInfinity(updateRms)) throw new ArgumentException($"updateRms must be a finite number > 0 (got {updateRms})", nameof(updateRms));
        Momentum = momentum;
        Beta2 = beta2;
        Epsilon = epsilon;
        Diagonal = diagonal;
        UpdateRms = updateRms;
    }

    /// <summary>β1 of the momentum.</summary>
    public double Momentum { get; }

    /// <summary>β2 of the statistic.</summary>
    public double Beta2 { get; }

    /// <summary>ε of the root.</summary>
    public double Epsilon { get; }

    /// <summary>DASGO (per-column diagonal) instead of ASGO.</summary>
    public bool Diagonal { get; }

    /// <summary>The RMS of every update before the learning rate.</summary>
    public double UpdateRms { get; }
}
