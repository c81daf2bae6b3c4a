namespace AlgoPerfSharp.Optimizers.QuasiNewton;

/// <summary>
/// The settings of progressive-batching L-BFGS (<see cref="Algorithms.ProgressiveBatchingLbfgs"/>), validated here so every
/// field is checked once and named when wrong.
/// </summary>
/// <param name="InitialStep">α₀ &gt; 0: the first trial step of every line search (1 = the quasi-Newton step).</param>
/// <param name="Memory">m ≥ 1 curvature pairs.</param>
/// <param name="ArmijoC1">c₁ ∈ (0, 1): sufficient decrease F_S(x + αp) ≤ F_S(x) + c₁·α·gᵀp.</param>
/// <param name="BacktrackFactor">τ ∈ (0, 1): α ← τ·α after a failed trial.</param>
/// <param name="MaxBacktracks">trials ≥ 1 per line search; when all fail the step is not taken and the memory is cleared.</param>
/// <param name="Theta">θ &gt; 0 of the inner-product test (smaller: larger batches).</param>
/// <param name="VarianceGroups">G ≥ 2 disjoint groups the batch is split into for the test's variance.</param>
/// <param name="InitialBatches">batches ≥ 1 in the first step's sample.</param>
/// <param name="MaxBatches">batches the sample may grow to (≥ <paramref name="InitialBatches"/>).</param>
public sealed record LbfgsConfig(
    double InitialStep = 1,
    int Memory = 10,
    double ArmijoC1 = 1e-4,
    double BacktrackFactor = 0.5,
    int MaxBacktracks = 10,
    double Theta = 0.9,
    int VarianceGroups = 8,
    int InitialBatches = 1,
    int MaxBatches = 64)
{
    /// <summary>The first trial step α₀.</summary>
    public double InitialStep { get; } = InitialStep > 0 && double.IsFinite(InitialStep) ? InitialStep : throw Bad("learning_rate", InitialStep, "a finite number > 0");

    /// <summary>The memory m.</summary>
    public int Memory { get; } = Memory >= 1 ? Memory : throw Bad("memory", Memory, "a whole number ≥ 1");

    /// <summary>c₁.</summary>
    public double ArmijoC1 { get; } = ArmijoC1 is > 0 and < 1 ? ArmijoC1 : throw Bad("armijo_c1", ArmijoC1, "in (0, 1)");

    /// <summary>τ.</summary>
    public double BacktrackFactor { get; } = BacktrackFactor is > 0 and < 1 ? BacktrackFactor : throw Bad("backtrack_factor", BacktrackFactor, "in (0, 1)");

    /// <summary>Trials per line search.</summary>
    public int MaxBacktracks { get; } = MaxBacktracks >= 1 ? MaxBacktracks : throw Bad("max_backtracks", MaxBacktracks, "a whole number ≥ 1");

    /// <summary>θ.</summary>
    public double Theta { get; } = Theta > 0 && double.IsFinite(Theta) ? Theta : throw Bad("theta", Theta, "a finite number > 0");

    /// <summary>G.</summary>
    public int VarianceGroups { get; } = VarianceGroups >= 2 ? VarianceGroups : throw Bad("variance_groups", VarianceGroups, "a whole number ≥ 2");

    /// <summary>Batches in the first sample.</summary>
    public int InitialBatches { get; } = InitialBatches >= 1 ? InitialBatches : throw Bad("initial_batches", InitialBatches, "a whole number ≥ 1");

    /// <summary>Batches the sample may grow to.</summary>
    public int MaxBatches { get; } = MaxBatches >= InitialBatches ? MaxBatches : throw Bad("max_batches", MaxBatches, $"≥ initial_batches ({InitialBatches})");

    private static ArgumentException Bad(string field, double value, string what) => new($"{field} must be {what} (got {value})");
}
