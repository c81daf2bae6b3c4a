namespace AlgoPerfSharp.Scoring;

/// <summary>Time-to-target of one study: the fastest of its trials in seconds (external tuning) or its single run (self-tuning).</summary>
/// <param name="Study">Study index.</param>
/// <param name="ValidationSeconds">Minimum over trials of the validation time-to-target; ∞ if no trial met it (or the study is missing).</param>
/// <param name="BestTrial">The trial achieving that minimum (lowest trial index on a tie), or <see langword="null"/> when ∞.</param>
/// <param name="TestSeconds">Minimum over trials of the test time-to-target (taken independently of <paramref name="BestTrial"/>); <see langword="null"/> without a test target.</param>
/// <param name="Trials">Every trial of the study, by trial index; empty for a study counted as missing.</param>
public sealed record StudyTimeToTarget(
    int Study,
    double ValidationSeconds,
    int? BestTrial,
    double? TestSeconds,
    IReadOnlyList<TrialTimeToTarget> Trials)
{
    /// <summary>
    /// Steps-to-target of the study: the global step at which <see cref="BestTrial"/> first met the validation target —
    /// the same run whose seconds are <see cref="ValidationSeconds"/>, so the study's time and steps describe one run
    /// (not the fewest steps of any trial). +∞ when the study did not reach the target (or is missing).
    /// </summary>
    public double ValidationSteps =>
        BestTrial is { } best && Trials.FirstOrDefault(t => t.Trial == best)?.ValidationStep is { } step
            ? step
            : double.PositiveInfinity;
}
