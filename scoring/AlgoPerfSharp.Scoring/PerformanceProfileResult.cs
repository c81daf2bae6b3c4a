namespace AlgoPerfSharp.Scoring;

/// <summary>Performance profiles and scores of a set of submissions scored together.</summary>
/// <remarks>
/// Scores are relative: every ratio is to the fastest submission <em>in this set</em>, so scores from different sets
/// are not comparable (AlgoPerf's v0.5 and v0.6 leaderboards differ for that reason).
/// </remarks>
/// <param name="Taus">The τ grid: <c>np.linspace(1, r_max, points)</c>.</param>
/// <param name="BaseWorkloads">Base workloads in spec order; their count is the denominator of ρ.</param>
/// <param name="Variants">Held-out variants in spec order.</param>
/// <param name="Submissions">One profile per submission, in input order.</param>
/// <param name="Options">The options used.</param>
public sealed record PerformanceProfileResult(
    IReadOnlyList<double> Taus,
    IReadOnlyList<string> BaseWorkloads,
    IReadOnlyList<string> Variants,
    IReadOnlyList<SubmissionProfile> Submissions,
    PerformanceProfileOptions Options)
{
    /// <summary>The profile of <paramref name="submission"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such submission was scored.</exception>
    public SubmissionProfile this[string submission] =>
        Submissions.FirstOrDefault(s => string.Equals(s.Submission, submission, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"Submission '{submission}' was not scored in this set.");
}
