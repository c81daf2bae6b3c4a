namespace AlgoPerfSharp.Scoring;

/// <summary>
/// What scoring needs to know about one workload: its target metric, targets, direction, runtime budget and, for a
/// held-out variant, the base workload it varies.
/// </summary>
/// <remarks>
/// Metric names are the keys of <see cref="EvalRow.Metrics"/> (e.g. <c>"validation/accuracy"</c>). A workload with
/// <see cref="VariantOf"/> set is a held-out variant: it never counts in the score itself but can disqualify its base
/// (AlgoPerf v0.5 rule, see <see cref="PerformanceProfile"/>). Immutable and thread-safe.
/// </remarks>
public sealed record WorkloadScoringSpec
{
    /// <summary>Creates a spec; every argument is validated.</summary>
    /// <param name="name">Workload identifier, as in <see cref="EvalRow.Workload"/>.</param>
    /// <param name="validationMetric">Metric key the validation target applies to.</param>
    /// <param name="validationTarget">Validation target (finite).</param>
    /// <param name="direction">Whether the metric is minimised or maximised.</param>
    /// <param name="maxRuntimeSeconds">The external-tuning runtime budget in seconds (finite, &gt; 0).</param>
    /// <param name="testMetric">Metric key of the test target, or <see langword="null"/> when there is none.</param>
    /// <param name="testTarget">Test target, given exactly when <paramref name="testMetric"/> is.</param>
    /// <param name="variantOf">For a held-out variant, the name of its base workload; otherwise <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A name is empty, a number is not finite or out of range, the test metric and
    /// target are not given together, or the spec names itself as its base.</exception>
    public WorkloadScoringSpec(
        string name,
        string validationMetric,
        double validationTarget,
        MetricDirection direction,
        double maxRuntimeSeconds,
        string? testMetric = null,
        double? testTarget = null,
        string? variantOf = null)
    {
        Name = Require.Name(name, nameof(name));
        ValidationMetric = Require.Name(validationMetric, nameof(validationMetric));
        if (!double.IsFinite(validationTarget))
        {
            throw new ArgumentException(
                $"validationTarget of workload '{name}' must be finite, got {validationTarget}.", nameof(validationTarget));
        }

        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentException($"Unknown metric direction {(int)direction} for workload '{name}'.", nameof(direction));
        }

        if (!double.IsFinite(maxRuntimeSeconds) || maxRuntimeSeconds <= 0)
        {
            throw new ArgumentException(
                $"maxRuntimeSeconds of workload '{name}' must be finite and > 0, got {maxRuntimeSeconds}.",
                nameof(maxRuntimeSeconds));
        }

        if ((testMetric is null) != (testTarget is null))
        {
            throw new ArgumentException(
                $"Workload '{name}': testMetric and testTarget must be given together (got metric " +
                $"{(testMetric is null ? "null" : $"'{testMetric}'")}, target {(testTarget is null ? "null" : testTarget)}).",
                testMetric is null ? nameof(testMetric) : nameof(testTarget));
        }

        if (testMetric is not null)
        {
            Require.Name(testMetric, nameof(testMetric));
            if (!double.IsFinite(testTarget!.Value))
            {
                throw new ArgumentException(
                    $"testTarget of workload '{name}' must be finite, got {testTarget}.", nameof(testTarget));
            }
        }

        if (variantOf is not null)
        {
            Require.Name(variantOf, nameof(variantOf));
            if (string.Equals(variantOf, name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Workload '{name}' cannot be a variant of itself.", nameof(variantOf));
            }
        }

        ValidationTarget = validationTarget;
        Direction = direction;
        MaxRuntimeSeconds = maxRuntimeSeconds;
        TestMetric = testMetric;
        TestTarget = testTarget;
        VariantOf = variantOf;
    }

    /// <summary>Workload identifier.</summary>
    public string Name { get; }

    /// <summary>Metric key the validation target applies to (e.g. <c>"validation/accuracy"</c>).</summary>
    public string ValidationMetric { get; }

    /// <summary>The validation target: time-to-target is measured against it.</summary>
    public double ValidationTarget { get; }

    /// <summary>Whether the target metrics are minimised or maximised.</summary>
    public MetricDirection Direction { get; }

    /// <summary>External-tuning runtime budget in seconds (the ruleset may multiply it).</summary>
    public double MaxRuntimeSeconds { get; }

    /// <summary>Metric key of the test target, or <see langword="null"/>.</summary>
    public string? TestMetric { get; }

    /// <summary>The test target (reported beside the validation time, never used in the score), or <see langword="null"/>.</summary>
    public double? TestTarget { get; }

    /// <summary>Base workload name if this is a held-out variant, else <see langword="null"/>.</summary>
    public string? VariantOf { get; }

    /// <summary>True when this spec is a base (scored) workload rather than a held-out variant.</summary>
    public bool IsBase => VariantOf is null;

    /// <summary>
    /// Whether <paramref name="value"/> meets <paramref name="target"/> in this spec's direction: <c>≤</c> when lower
    /// is better, <c>≥</c> when higher is better (AlgoPerf's scoring comparisons). NaN never meets a target.
    /// </summary>
    public bool Meets(double value, double target) =>
        Direction == MetricDirection.LowerIsBetter ? value <= target : value >= target;

    /// <summary>Whether <paramref name="row"/> logs the validation metric at or beyond the validation target.</summary>
    public bool MeetsValidationTarget(EvalRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Metrics.TryGetValue(ValidationMetric, out var v) && Meets(v, ValidationTarget);
    }

    /// <summary>
    /// Whether <paramref name="row"/> logs the test metric at or beyond the test target; always false when the
    /// workload has no test target.
    /// </summary>
    public bool MeetsTestTarget(EvalRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return TestMetric is not null && row.Metrics.TryGetValue(TestMetric, out var v) && Meets(v, TestTarget!.Value);
    }
}
