namespace AlgoPerfSharp.Scoring;

/// <summary>The permutation test of one pair of submissions (<see cref="PairPermutationTest"/>).</summary>
/// <param name="First">The pair's first submission (ordinal order).</param>
/// <param name="Second">The second.</param>
/// <param name="ScoreDifference">Observed score of <paramref name="First"/> − score of <paramref name="Second"/>.</param>
/// <param name="Statistic">T = Σ over workloads of θ (<see cref="PairPermutationTest.Theta"/>); &gt; 0 when
/// <paramref name="First"/>'s studies reach the targets sooner.</param>
/// <param name="PValue">Two-sided permutation p-value of T, before the multiplicity correction.</param>
/// <param name="AdjustedPValue">Holm-adjusted p-value over all pairs tested together.</param>
/// <param name="Relabellings">Relabellings enumerated (exact; may exceed 2⁶³, hence a double) or sampled.</param>
/// <param name="Exact">True when every relabelling was enumerated.</param>
public sealed record PairTest(
    string First,
    string Second,
    double ScoreDifference,
    double Statistic,
    double PValue,
    double AdjustedPValue,
    double Relabellings,
    bool Exact);
