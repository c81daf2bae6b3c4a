namespace AlgoPerfSharp.Scoring;

/// <summary>Whether a workload's target metric is minimised (losses, error rates) or maximised (accuracy, BLEU).</summary>
public enum MetricDirection
{
    /// <summary>Lower is better: the target is met when <c>value ≤ target</c>.</summary>
    LowerIsBetter,

    /// <summary>Higher is better: the target is met when <c>value ≥ target</c>.</summary>
    HigherIsBetter,
}
