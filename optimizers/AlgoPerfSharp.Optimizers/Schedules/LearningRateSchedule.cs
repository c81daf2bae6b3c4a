namespace AlgoPerfSharp.Optimizers.Schedules;

/// <summary>A learning-rate schedule: a pure function of the 0-based update index.</summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate for update <paramref name="step"/> (0 = the first update).</summary>
    public abstract double At(long step);

    /// <summary>
    /// AlgoPerf's baseline schedule (its JAX NAdamW): linear warm-up from 0 to <paramref name="peak"/> over
    /// <c>warmupFactor · stepHint</c> steps, then cosine decay to 0 at <paramref name="stepHint"/>, constant 0 after.
    /// </summary>
    public static LearningRateSchedule WarmupCosine(double peak, double warmupFactor, long stepHint) =>
        new WarmupCosineSchedule(peak, (long)(warmupFactor * stepHint), stepHint);

    /// <summary>The hyperparameter that picks a built-in algorithm's schedule.</summary>
    public const string Key = "lr_schedule";

    /// <summary>
    /// The schedule a built-in algorithm's hyperparameters ask for: <c>lr_schedule</c> = <c>"warmup_cosine"</c>
    /// (the default: <see cref="WarmupCosine"/> over <paramref name="stepHint"/> with <c>warmup_factor</c>),
    /// <c>"warmup_constant"</c> (<see cref="WarmupConstantSchedule"/> over <c>warmup_factor · stepHint</c> steps, for
    /// schedule-free methods) or <c>"constant"</c> (<c>learning_rate</c> at every step, e.g. to compare with a reference
    /// optimizer that has no schedule — <c>algoperf conformance</c> does). Which names an algorithm accepts is its
    /// declaration's business; this reads any of the three.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown schedule name, or a bad learning rate or warm-up fraction.</exception>
    /// <param name="h">The trial's hyperparameters.</param>
    /// <param name="stepHint">The workload's step hint (the cosine's horizon).</param>
    /// <param name="learningRateKey">The peak learning rate's key (e.g. Muon's Adam branch reads <c>adam_learning_rate</c>).</param>
    public static LearningRateSchedule FromHyperparameters(Algorithms.HyperparameterReader h, long stepHint, string learningRateKey = "learning_rate")
    {
        ArgumentNullException.ThrowIfNull(h);
        string kind = h.GetString(Key);
        return kind switch
        {
            "warmup_cosine" => WarmupCosine(h.Positive(learningRateKey), h.InRange("warmup_factor", 0, 1), stepHint),
            "warmup_constant" => new WarmupConstantSchedule(h.Positive(learningRateKey), (long)(h.InRange("warmup_factor", 0, 1) * stepHint)),
            "constant" => new ConstantSchedule(h.Positive(learningRateKey)),
            _ => throw new ArgumentException($"{Key} must be \"warmup_cosine\", \"warmup_constant\" or \"constant\" (got \"{kind}\")"),
        };
    }
}

/// <summary>A constant learning rate.</summary>
/// <param name="Value">The learning rate.</param>
public sealed record ConstantSchedule(double Value) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double At(long step) => Value;
}

/// <summary>
/// Linear warm-up then constant, as facebookresearch/schedule_free counts it: Peak·(step + 1)/WarmupSteps for the
/// 0-based update index step &lt; WarmupSteps (so the first update already moves), Peak after; Peak throughout when
/// WarmupSteps is 0.
/// </summary>
public sealed record WarmupConstantSchedule : LearningRateSchedule
{
    /// <summary>Validates and creates the schedule.</summary>
    /// <exception cref="ArgumentException">The peak is negative or not finite, or the warm-up is negative.</exception>
    public WarmupConstantSchedule(double peak, long warmupSteps)
    {
        if (!(peak >= 0) || double.IsInfinity(peak)) throw new ArgumentException($"peak learning rate must be finite and ≥ 0 (got {peak})", nameof(peak));
        if (warmupSteps < 0) throw new ArgumentException($"warmupSteps must be ≥ 0 (got {warmupSteps})", nameof(warmupSteps));
        Peak = peak;
        WarmupSteps = warmupSteps;
    }

    /// <summary>Peak learning rate.</summary>
    public double Peak { get; }

    /// <summary>Warm-up length in steps.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public override double At(long step) => step < WarmupSteps ? Peak * (step + 1) / WarmupSteps : Peak;
}

/// <summary>Linear warm-up 0 → Peak over WarmupSteps, then cosine decay to Peak·FinalFraction at TotalSteps (held after).</summary>
public sealed record WarmupCosineSchedule : LearningRateSchedule
{
    /// <summary>Validates and creates the schedule.</summary>
    public WarmupCosineSchedule(double peak, long warmupSteps, long totalSteps, double finalFraction = 0)
    {
        if (!(peak >= 0) || double.IsInfinity(peak)) throw new ArgumentException($"peak learning rate must be finite and ≥ 0 (got {peak})", nameof(peak));
        if (warmupSteps < 0) throw new ArgumentException($"warmupSteps must be ≥ 0 (got {warmupSteps})", nameof(warmupSteps));
        if (totalSteps < warmupSteps) throw new ArgumentException($"totalSteps ({totalSteps}) must be ≥ warmupSteps ({warmupSteps})", nameof(totalSteps));
        Peak = peak;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        FinalFraction = finalFraction;
    }

    /// <summary>Peak learning rate.</summary>
    public double Peak { get; }

    /// <summary>Warm-up length in steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>Step at which the decay ends.</summary>
    public long TotalSteps { get; }

    /// <summary>Final learning rate as a fraction of the peak.</summary>
    public double FinalFraction { get; }

    /// <inheritdoc/>
    public override double At(long step)
    {
        if (step < WarmupSteps) return Peak * step / WarmupSteps;
        long decay = TotalSteps - WarmupSteps;
        if (decay <= 0 || step >= TotalSteps) return Peak * FinalFraction;
        double progress = (double)(step - WarmupSteps) / decay;
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return Peak * (FinalFraction + ((1 - FinalFraction) * cosine));
    }
}

/// <summary>Linear warm-up 0 → Peak over WarmupSteps, then linear decay to 0 at TotalSteps (held after).</summary>
/// <param name="Peak">Peak learning rate.</param>
/// <param name="WarmupSteps">Warm-up length.</param>
/// <param name="TotalSteps">Step at which the rate reaches 0.</param>
public sealed record WarmupLinearSchedule(double Peak, long WarmupSteps, long TotalSteps) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double At(long step)
    {
        if (step < WarmupSteps) return Peak * step / WarmupSteps;
        if (step >= TotalSteps) return 0;
        return Peak * (TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps);
    }
}
