namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One parameter's multipliers under a width-transfer rule, relative to the base-width model (all 1 there, and under
/// standard parameterisation). <see cref="LearningRate"/> multiplies the peak learning rate of the parameter's update;
/// <see cref="WeightDecay"/> multiplies its per-step decay fraction η(t)·λ — independently of <see cref="LearningRate"/>,
/// so a rule's λ ∝ D_base/D is the paper's independent weight decay; <see cref="Epsilon"/> multiplies the
/// denominator's ε of an Adam-style update.
/// </summary>
/// <param name="LearningRate">η multiplier (&gt; 0).</param>
/// <param name="WeightDecay">Decay multiplier (≥ 0).</param>
/// <param name="Epsilon">ε multiplier (&gt; 0).</param>
public readonly record struct TransferMultipliers(double LearningRate, double WeightDecay, double Epsilon)
{
    /// <summary>All ones: standard parameterisation, or the base width.</summary>
    public static TransferMultipliers Identity { get; } = new(1, 1, 1);

    /// <summary>True when every multiplier is 1.</summary>
    public bool IsIdentity => LearningRate == 1 && WeightDecay == 1 && Epsilon == 1;

    /// <summary>Throws unless the learning-rate and ε multipliers are finite and &gt; 0 and the decay multiplier finite and ≥ 0.</summary>
    /// <exception cref="ArgumentException">Names the bad multiplier and <paramref name="parameter"/>.</exception>
    public TransferMultipliers Validate(string parameter)
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"learning-rate multiplier of '{parameter}' must be finite and > 0 (got {LearningRate})");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) throw new ArgumentException($"weight-decay multiplier of '{parameter}' must be finite and ≥ 0 (got {WeightDecay})");
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"epsilon multiplier of '{parameter}' must be finite and > 0 (got {Epsilon})");
        return this;
    }
}
