namespace AlgoPerfSharp.Harness.Store;

/// <summary>The constants scoring needs about a workload, as a run used them.</summary>
/// <param name="Name">Workload name.</param>
/// <param name="TargetMetric">Validation metric key, e.g. <c>validation/error_rate</c>.</param>
/// <param name="ValidationTarget">Validation target.</param>
/// <param name="TestMetric">Test metric key, e.g. <c>test/error_rate</c>.</param>
/// <param name="TestTarget">Test target.</param>
/// <param name="LowerIsBetter">Whether the metric is minimised.</param>
/// <param name="MaxRuntimeSeconds">Budget before the ruleset multiplier.</param>
/// <param name="VariantOf">Base workload of a held-out variant.</param>
/// <param name="Preset">The workload's size preset (tiny, quick, cpu, gpu); null in databases written before it was
/// recorded. An extra JSON field of the stored spec: older readers ignore it, so no schema change.</param>
public sealed record StoredWorkloadSpec(
    string Name, string TargetMetric, double ValidationTarget, string TestMetric, double TestTarget, bool LowerIsBetter,
    double MaxRuntimeSeconds, string? VariantOf, string? Preset = null)
{
    /// <summary>From a workload's spec.</summary>
    public static StoredWorkloadSpec From(AlgoPerfSharp.Workloads.WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new StoredWorkloadSpec(spec.Name, "validation/" + spec.TargetMetric, spec.ValidationTarget, "test/" + spec.TargetMetric,
            spec.TestTarget, spec.Direction == AlgoPerfSharp.Workloads.Direction.LowerIsBetter, spec.MaxRuntimeSeconds, spec.VariantOf, spec.Preset);
    }

    /// <summary>Whether <paramref name="row"/> logs the validation metric at or beyond the validation target (NaN never does).</summary>
    public bool MeetsValidationTarget(StoredEval row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Metrics.TryGetValue(TargetMetric, out double v) && (LowerIsBetter ? v <= ValidationTarget : v >= ValidationTarget);
    }

    /// <summary>
    /// The first difference from <paramref name="other"/> (the same workload as another run, shard or release used it)
    /// that makes the two sides' times incomparable, in words — e.g. "the preset differs (tiny vs cpu)", this side
    /// first — or null when scoring both against one set of constants is right. An unrecorded preset matches any.
    /// </summary>
    public string? Difference(StoredWorkloadSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Preset is { } mine && other.Preset is { } theirs && mine != theirs) return $"the preset differs ({mine} vs {theirs})";
        if (TargetMetric != other.TargetMetric) return $"the target metric differs ({TargetMetric} vs {other.TargetMetric})";
        if (LowerIsBetter != other.LowerIsBetter) return $"the metric's direction differs ({Op(this)} vs {Op(other)})";
        if (ValidationTarget != other.ValidationTarget) return $"the validation target differs ({TargetMetric} {Op(this)} {G(ValidationTarget)} vs {Op(other)} {G(other.ValidationTarget)})";
        if (TestMetric != other.TestMetric || TestTarget != other.TestTarget) return $"the test target differs ({TestMetric} {Op(this)} {G(TestTarget)} vs {other.TestMetric} {Op(other)} {G(other.TestTarget)})";
        if (MaxRuntimeSeconds != other.MaxRuntimeSeconds) return $"the budget differs ({G(MaxRuntimeSeconds)} s vs {G(other.MaxRuntimeSeconds)} s)";
        if (VariantOf != other.VariantOf) return $"the base workload differs ({VariantOf ?? "none"} vs {other.VariantOf ?? "none"})";
        return null;

        static string Op(StoredWorkloadSpec s) => s.LowerIsBetter ? "≤" : "≥";
        static string G(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
