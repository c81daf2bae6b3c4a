namespace AlgoPerfSharp.Scoring;

/// <summary>One submission's benchmark score and rank with their bootstrap intervals (see <see cref="ScoreBootstrap"/>).</summary>
/// <param name="Submission">Submission identifier.</param>
/// <param name="Score">The benchmark score of the data as logged (the point estimate; AlgoPerf's definition).</param>
/// <param name="ScoreLower">Lower percentile (2.5th for 95 %) of the score over the bootstrap replicates.</param>
/// <param name="ScoreUpper">Upper percentile (97.5th for 95 %) of the score over the bootstrap replicates.</param>
/// <param name="Rank">Rank of <paramref name="Score"/> among the submissions scored together: 1 + the number with a
/// strictly higher score (ties share the better rank).</param>
/// <param name="RankLower">The best rank of the interval: the lower percentile of the replicate ranks, rounded down.</param>
/// <param name="RankUpper">The worst rank of the interval: the upper percentile of the replicate ranks, rounded up.</param>
/// <param name="MinStudies">The fewest studies in any of the submission's (workload) cells.</param>
/// <param name="MaxStudies">The most studies in any of its cells.</param>
public sealed record SubmissionInterval(
    string Submission,
    double Score,
    double ScoreLower,
    double ScoreUpper,
    int Rank,
    int RankLower,
    int RankUpper,
    int MinStudies,
    int MaxStudies);
