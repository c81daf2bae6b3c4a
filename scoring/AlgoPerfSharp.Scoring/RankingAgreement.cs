namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Agreement between two leaderboards of the same algorithms — e.g. two runs of one commit, to show how reproducible a
/// ranking is: Kendall's τ-b of the scores, how many score intervals overlap, and whether every pair one leaderboard
/// calls significantly different keeps its order in the other.
/// </summary>
/// <remarks>Only algorithms scored in both are compared. Pure and thread-safe.</remarks>
public static class RankingAgreement
{
    /// <summary>Compares <paramref name="first"/> with <paramref name="second"/>; significance comes from each one's pair
    /// tests (<paramref name="firstTests"/>, <paramref name="secondTests"/>).</summary>
    public static RankingAgreementResult Compare(
        ScoreBootstrapResult first, PairTestsResult firstTests, ScoreBootstrapResult second, PairTestsResult secondTests)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(firstTests);
        ArgumentNullException.ThrowIfNull(secondTests);
        var inSecond = second.Submissions.Select(s => s.Submission).ToHashSet(StringComparer.Ordinal);
        var common = first.Submissions.Select(s => s.Submission).Where(inSecond.Contains).Order(StringComparer.Ordinal).ToList();
        var tau = common.Count < 2
            ? double.NaN
            : KendallTau.TauB(common.Select(a => first[a].Score).ToList(), common.Select(a => second[a].Score).ToList());
        var overlapping = common
            .Where(a => first[a].ScoreLower <= second[a].ScoreUpper && second[a].ScoreLower <= first[a].ScoreUpper)
            .ToList();

        var set = common.ToHashSet(StringComparer.Ordinal);
        List<SignificantDifference> Significant(PairTestsResult r) =>
            r.SignificantDifferences.Where(d => set.Contains(d.Better) && set.Contains(d.Worse)).ToList();
        static List<SignificantDifference> NotKept(List<SignificantDifference> pairs, ScoreBootstrapResult other) =>
            pairs.Where(d => !(other[d.Better].Score > other[d.Worse].Score)).ToList();

        var firstPairs = Significant(firstTests);
        var secondPairs = Significant(secondTests);
        return new RankingAgreementResult(
            common.AsReadOnly(),
            tau,
            overlapping.AsReadOnly(),
            NotKept(firstPairs, second).AsReadOnly(),
            NotKept(secondPairs, first).AsReadOnly(),
            firstPairs.Count,
            secondPairs.Count,
            firstTests.IsReplicated && secondTests.IsReplicated);
    }
}
