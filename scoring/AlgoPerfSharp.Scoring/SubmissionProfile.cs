namespace AlgoPerfSharp.Scoring;

/// <summary>One submission's performance profile and benchmark score.</summary>
/// <param name="Submission">Submission identifier.</param>
/// <param name="Workloads">Base-workload cells in spec order; these define ρ.</param>
/// <param name="Variants">Held-out variant cells in spec order (they never count in ρ themselves); empty without variants.</param>
/// <param name="Rho">ρ(τ) at each τ of <see cref="PerformanceProfileResult.Taus"/>: the fraction of base workloads with ratio ≤ τ.</param>
/// <param name="Score">Benchmark score: trapezoid integral of ρ over τ ∈ [1, r_max] divided by (r_max − 1); in [0, 1].</param>
public sealed record SubmissionProfile(
    string Submission,
    IReadOnlyList<ProfileCell> Workloads,
    IReadOnlyList<ProfileCell> Variants,
    IReadOnlyList<double> Rho,
    double Score);
