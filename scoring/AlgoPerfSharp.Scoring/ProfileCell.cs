namespace AlgoPerfSharp.Scoring;

/// <summary>One (submission, workload) cell of a performance profile.</summary>
/// <param name="Workload">Workload identifier.</param>
/// <param name="RawSeconds">Time-to-target as given (+∞ when not reached or missing).</param>
/// <param name="EffectiveSeconds">After the r_max cut and the held-out variant rule (+∞ = no credit).</param>
/// <param name="Ratio">EffectiveSeconds / the fastest effective time on the workload; ∞ when this cell is ∞ and
/// NaN when every submission is ∞ on the workload (AlgoPerf's ∞/∞). Either way it never satisfies r ≤ τ.</param>
/// <param name="Outcome">Why the cell has or lacks credit.</param>
public sealed record ProfileCell(string Workload, double RawSeconds, double EffectiveSeconds, double Ratio, ProfileOutcome Outcome);
