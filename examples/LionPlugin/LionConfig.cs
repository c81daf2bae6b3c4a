namespace LionPlugin;

/// <summary>Validated Lion hyperparameters.</summary>
public sealed record LionConfig
{
    /// <summary>Validates every field; a bad value throws naming it.</summary>
    public LionConfig(double LearningRate, double Beta1, double Beta2, double WeightDecay, long WarmupSteps, long TotalSteps)
    {
        if (!(LearningRate > 0)) throw new ArgumentException($"learning_rate must be > 0 (got {LearningRate})", nameof(LearningRate));
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {Beta1})", nameof(Beta1));
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {Beta2})", nameof(Beta2));
        if (!(WeightDecay >= 0)) throw new ArgumentException($"weight_decay must be ≥ 0 (got {WeightDecay})", nameof(WeightDecay));
        if (WarmupSteps < 0 || TotalSteps < WarmupSteps) throw new ArgumentException($"need 0 ≤ warm-up steps ({WarmupSteps}) ≤ total steps ({TotalSteps})", nameof(WarmupSteps));
        this.LearningRate = LearningRate;
        this.Beta1 = Beta1;
        this.Beta2 = Beta2;
        this.WeightDecay = WeightDecay;
        this.WarmupSteps = WarmupSteps;
        this.TotalSteps = TotalSteps;
    }

    /// <summary>Peak learning rate η.</summary>
    public double LearningRate { get; }

    /// <summary>Interpolation factor for the update direction.</summary>
    public double Beta1 { get; }

    /// <summary>Momentum decay.</summary>
    public double Beta2 { get; }

    /// <summary>Decoupled weight decay λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Linear warm-up length.</summary>
    public long WarmupSteps { get; }

    /// <summary>End of the cosine decay.</summary>
    public long TotalSteps { get; }

    /// <summary>η at the 0-based update index <paramref name="step"/>.</summary>
    public double LearningRateAt(long step)
    {
        if (step < WarmupSteps) return LearningRate * step / WarmupSteps;
        if (step >= TotalSteps || TotalSteps == WarmupSteps) return 0;
        return LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - WarmupSteps) / (TotalSteps - WarmupSteps)));
    }
}
