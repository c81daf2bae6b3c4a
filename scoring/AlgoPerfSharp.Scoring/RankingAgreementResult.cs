namespace AlgoPerfSharp.Scoring;

/// <summary>How two leaderboards of the same algorithms agree (see <see cref="RankingAgreement"/>).</summary>
/// <param name="Algorithms">The algorithms both leaderboards scored (ordinal order); only these are compared.</param>
/// <param name="KendallTau">Kendall's τ-b between the two leaderboards' point scores over <paramref name="Algorithms"/>;
/// NaN with fewer than two algorithms in common or when one leaderboard ties them all.</param>
/// <param name="OverlappingIntervals">The algorithms whose score interval in the first leaderboard overlaps their
/// interval in the second (end points touching count as overlapping).</param>
/// <param name="FirstNotKept">Pairs the first leaderboard calls significantly different whose order the second does
/// not keep (the second's point score of the better one is not strictly higher).</param>
/// <param name="SecondNotKept">The same for the second leaderboard's significant pairs, checked against the first.</param>
/// <param name="FirstSignificant">How many significant pairs (among <paramref name="Algorithms"/>) the first has.</param>
/// <param name="SecondSignificant">How many the second has.</param>
/// <param name="BothReplicated">True when both leaderboards have ≥ 2 studies in every cell, so intervals and
/// significance exist; otherwise only τ is meaningful.</param>
public sealed record RankingAgreementResult(
    IReadOnlyList<string> Algorithms,
    double KendallTau,
    IReadOnlyList<string> OverlappingIntervals,
    IReadOnlyList<SignificantDifference> FirstNotKept,
    IReadOnlyList<SignificantDifference> SecondNotKept,
    int FirstSignificant,
    int SecondSignificant,
    bool BothReplicated);
