namespace AlgoPerfSharp.Scoring;

/// <summary>
/// The rules runs are scored under: the <see cref="TuningRuleset"/> (how trials of one study combine), how large the
/// runtime budget is, and how many studies must be present.
/// </summary>
/// <remarks>
/// The budget of a workload is <c>MaxRuntimeSeconds × BudgetMultiplier</c>: AlgoPerf v0.6 gives self-tuning
/// submissions 1.5× the external-tuning budget (v0.5 gave 3×, which <see cref="ScoringRules(TuningRuleset, double, int?)"/>
/// can express). Immutable and thread-safe.
/// </remarks>
public sealed record ScoringRules
{
    /// <summary>AlgoPerf's external-tuning ruleset: budget multiplier 1, studies taken as present in the data.</summary>
    public static ScoringRules ExternalTuning { get; } = new(TuningRuleset.ExternalTuning, 1.0);

    /// <summary>AlgoPerf v0.6's self-tuning ruleset: one run per study, budget multiplier 1.5.</summary>
    public static ScoringRules SelfTuning { get; } = new(TuningRuleset.SelfTuning, TuningRulesets.SelfTuningBudgetMultiplier);

    /// <summary>The rules of <paramref name="ruleset"/> with AlgoPerf v0.6's budget multiplier and the studies as present.</summary>
    public static ScoringRules For(TuningRuleset ruleset) => ruleset == TuningRuleset.SelfTuning ? SelfTuning : ExternalTuning;

    /// <summary>Creates the rules.</summary>
    /// <param name="kind">External tuning or self-tuning.</param>
    /// <param name="budgetMultiplier">Factor applied to every workload's <see cref="WorkloadScoringSpec.MaxRuntimeSeconds"/>; finite and &gt; 0.</param>
    /// <param name="studies">
    /// The number of studies every (submission, workload) must have, or <see langword="null"/> to take the studies
    /// present in the data. When set, missing studies count as not reaching the target (∞) and more studies than this
    /// is an error — so a sweep that lost a shard cannot silently score better.
    /// </param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ScoringRules(TuningRuleset kind, double budgetMultiplier, int? studies = null)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentException($"Unknown tuning ruleset {(int)kind}.", nameof(kind));
        }

        if (!double.IsFinite(budgetMultiplier) || budgetMultiplier <= 0)
        {
            throw new ArgumentException(
                $"budgetMultiplier must be finite and > 0, got {budgetMultiplier}.", nameof(budgetMultiplier));
        }

        if (studies is < 1)
        {
            throw new ArgumentException($"studies must be ≥ 1 when given, got {studies}.", nameof(studies));
        }

        Kind = kind;
        BudgetMultiplier = budgetMultiplier;
        Studies = studies;
    }

    /// <summary>External tuning or self-tuning.</summary>
    public TuningRuleset Kind { get; }

    /// <summary>Factor applied to every workload's maximum runtime to get its budget.</summary>
    public double BudgetMultiplier { get; }

    /// <summary>Required number of studies per (submission, workload), or <see langword="null"/> for "as present".</summary>
    public int? Studies { get; }

    /// <summary>The budget in seconds for <paramref name="spec"/> under this ruleset.</summary>
    public double BudgetSeconds(WorkloadScoringSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.MaxRuntimeSeconds * BudgetMultiplier;
    }
}
