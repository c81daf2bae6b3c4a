using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Workloads;

/// <summary>Whether smaller or larger values of a metric are better.</summary>
public enum Direction
{
    /// <summary>Minimised (error rate, loss, bits per byte).</summary>
    LowerIsBetter,

    /// <summary>Maximised (accuracy).</summary>
    HigherIsBetter,
}

/// <summary>
/// Everything fixed about a workload: what it optimises, the target that defines "trained", the budget, and the eval
/// cadence (AlgoPerf's workload constants). Validated on construction.
/// </summary>
public sealed record WorkloadSpec
{
    /// <summary>Validates and creates a spec.</summary>
    public WorkloadSpec(
        string Name,
        string Preset,
        LossType Loss,
        string TargetMetric,
        Direction Direction,
        double ValidationTarget,
        double TestTarget,
        double MaxRuntimeSeconds,
        double EvalPeriodSeconds,
        long StepHint,
        int ReferenceBatchSize,
        int EvalBatchSize,
        long NumTrainExamples,
        long NumValidationExamples,
        long NumTestExamples,
        string? VariantOf = null)
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("Name must be set", nameof(Name));
        if (string.IsNullOrWhiteSpace(TargetMetric)) throw new ArgumentException("TargetMetric must be set", nameof(TargetMetric));
        if (!double.IsFinite(ValidationTarget)) throw new ArgumentException($"ValidationTarget must be finite (got {ValidationTarget})", nameof(ValidationTarget));
        if (!(MaxRuntimeSeconds > 0)) throw new ArgumentException($"MaxRuntimeSeconds must be > 0 (got {MaxRuntimeSeconds})", nameof(MaxRuntimeSeconds));
        if (!(EvalPeriodSeconds > 0)) throw new ArgumentException($"EvalPeriodSeconds must be > 0 (got {EvalPeriodSeconds})", nameof(EvalPeriodSeconds));
        if (StepHint < 1) throw new ArgumentException($"StepHint must be ≥ 1 (got {StepHint})", nameof(StepHint));
        if (ReferenceBatchSize < 1) throw new ArgumentException($"ReferenceBatchSize must be ≥ 1 (got {ReferenceBatchSize})", nameof(ReferenceBatchSize));
        if (EvalBatchSize < 1) throw new ArgumentException($"EvalBatchSize must be ≥ 1 (got {EvalBatchSize})", nameof(EvalBatchSize));
        this.Name = Name;
        this.Preset = Preset;
        this.Loss = Loss;
        this.TargetMetric = TargetMetric;
        this.Direction = Direction;
        this.ValidationTarget = ValidationTarget;
        this.TestTarget = TestTarget;
        this.MaxRuntimeSeconds = MaxRuntimeSeconds;
        this.EvalPeriodSeconds = EvalPeriodSeconds;
        this.StepHint = StepHint;
        this.ReferenceBatchSize = ReferenceBatchSize;
        this.EvalBatchSize = EvalBatchSize;
        this.NumTrainExamples = NumTrainExamples;
        this.NumValidationExamples = NumValidationExamples;
        this.NumTestExamples = NumTestExamples;
        this.VariantOf = VariantOf;
    }

    /// <summary>Workload name, e.g. <c>fashion_mnist_resnet</c> (variants: <c>fashion_mnist_resnet_silu</c>).</summary>
    public string Name { get; }

    /// <summary>Size preset: <c>cpu</c> (default, minutes on 2 cores) or <c>gpu</c> (untested here).</summary>
    public string Preset { get; }

    /// <summary>The training loss.</summary>
    public LossType Loss { get; }

    /// <summary>Metric that defines the target, without split prefix (e.g. <c>error_rate</c>).</summary>
    public string TargetMetric { get; }

    /// <summary>Whether the target metric is minimised or maximised.</summary>
    public Direction Direction { get; }

    /// <summary>Validation target: a trial has "trained" at the first eval meeting it.</summary>
    public double ValidationTarget { get; }

    /// <summary>Test target, reported beside it.</summary>
    public double TestTarget { get; }

    /// <summary>Training-time budget (timed seconds).</summary>
    public double MaxRuntimeSeconds { get; }

    /// <summary>Evaluate when this many timed seconds passed since the last eval.</summary>
    public double EvalPeriodSeconds { get; }

    /// <summary>Steps the baseline takes within the budget (horizon for schedules).</summary>
    public long StepHint { get; }

    /// <summary>Batch size the targets were calibrated with.</summary>
    public int ReferenceBatchSize { get; }

    /// <summary>Batch size used for evaluation.</summary>
    public int EvalBatchSize { get; }

    /// <summary>Training examples.</summary>
    public long NumTrainExamples { get; }

    /// <summary>Validation examples (or windows).</summary>
    public long NumValidationExamples { get; }

    /// <summary>Test examples (or windows).</summary>
    public long NumTestExamples { get; }

    /// <summary>For a held-out variant, the base workload's name.</summary>
    public string? VariantOf { get; }

    /// <summary>
    /// Forward-pass FLOPs of the model per training example (image or window), counted layer by layer
    /// (<see cref="Models.ModelFlops"/>); 0 when unknown. A training step costs ≈ 3 × this × the batch size.
    /// </summary>
    public double ForwardFlopsPerExample { get; init; }

    /// <summary>The public facts about this workload an algorithm may read, with <paramref name="budgetSeconds"/> as its budget (the ruleset's).</summary>
    public WorkloadInfo Info(double budgetSeconds) =>
        new(Name, Loss, StepHint, budgetSeconds, NumTrainExamples, ReferenceBatchSize);

    /// <summary>True when <paramref name="value"/> meets the validation target (inclusive).</summary>
    public bool MeetsValidationTarget(double value) =>
        !double.IsNaN(value) && (Direction == Direction.LowerIsBetter ? value <= ValidationTarget : value >= ValidationTarget);
}
