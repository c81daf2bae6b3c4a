namespace AlgoPerfSharp.Scoring;

/// <summary>Time-to-target of one trial.</summary>
/// <param name="Study">Study index.</param>
/// <param name="Trial">Trial index.</param>
/// <param name="State">Where the trial is or how it ended.</param>
/// <param name="ValidationSeconds">Submission time at the first eval meeting the validation target within the budget; ∞ if none.</param>
/// <param name="ValidationStep">Global step of that eval, or <see langword="null"/> when ∞.</param>
/// <param name="TestSeconds">The same for the test target; ∞ if never met; <see langword="null"/> when the workload has no test target.</param>
/// <param name="TestStep">Global step of the first eval meeting the test target, or <see langword="null"/>.</param>
public sealed record TrialTimeToTarget(
    int Study,
    int Trial,
    TrialState State,
    double ValidationSeconds,
    long? ValidationStep,
    double? TestSeconds,
    long? TestStep)
{
    /// <summary>True when the validation target was met within the budget.</summary>
    public bool ReachedValidationTarget => double.IsFinite(ValidationSeconds);
}
