namespace AlgoPerfSharp.Scoring;

/// <summary>One base workload's entry in a speed-up comparison.</summary>
/// <param name="Workload">Base workload identifier.</param>
/// <param name="BaselineSeconds">Baseline time-to-target, ∞ (or missing) replaced by budget + 1 s.</param>
/// <param name="CandidateSeconds">Candidate time-to-target, ∞ (or missing) replaced by budget + 1 s.</param>
/// <param name="BaselineReached">Whether the baseline's time was finite before replacement.</param>
/// <param name="CandidateReached">Whether the candidate's time was finite before replacement.</param>
public sealed record WorkloadSpeedup(
    string Workload,
    double BaselineSeconds,
    double CandidateSeconds,
    bool BaselineReached,
    bool CandidateReached)
{
    /// <summary>Candidate / baseline time (&lt; 1: the candidate is faster).</summary>
    public double TimeRatio => CandidateSeconds / BaselineSeconds;
}
