namespace AlgoPerfSharp.Scoring;

/// <summary>The output of <see cref="ScoreBootstrap.Run"/>: intervals per submission and the pairwise probabilities.</summary>
/// <param name="Options">Replicates, seed and coverage used.</param>
/// <param name="Submissions">One entry per submission, in the order of <see cref="PerformanceProfileResult.Submissions"/>.</param>
/// <param name="ProbabilityHigher">
/// <c>[i][j]</c> = the fraction of replicates in which submission i scores strictly higher than submission j, ties
/// counting ½ ("P(i is faster than j)"), indices as in <paramref name="Submissions"/>; <c>[i][j] + [j][i] = 1</c> and the
/// diagonal is ½.</param>
/// <param name="MinStudies">The fewest studies in any (submission, workload) cell.</param>
/// <param name="MaxStudies">The most studies in any cell.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ScoreBootstrapResult(
    BootstrapOptions Options,
    IReadOnlyList<SubmissionInterval> Submissions,
    IReadOnlyList<IReadOnlyList<double>> ProbabilityHigher,
    int MinStudies,
    int MaxStudies)
{
    // P values are multiples of 1/(2B): the slack only absorbs the rounding of (1 ± confidence)/2.
    private const double Slack = 1e-12;

    /// <summary>
    /// True when every cell has at least two studies. With one study in a cell every resample of it is that study, so
    /// its spread is zero and intervals would only show the other cells' noise: callers should then print "intervals
    /// need ≥ 2 studies" instead of intervals, and <see cref="SignificantDifferences"/> is empty.
    /// </summary>
    public bool IsReplicated => MinStudies >= 2;

    /// <summary>True when the study counts differ between cells (each cell's median and interval use the studies it has).</summary>
    public bool StudyCountsDiffer => MinStudies != MaxStudies;

    /// <summary>The interval of <paramref name="submission"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such submission was scored.</exception>
    public SubmissionInterval this[string submission] => Submissions[IndexOf(submission)];

    /// <summary>P(<paramref name="a"/> scores higher than <paramref name="b"/>), ties counting ½.</summary>
    /// <exception cref="KeyNotFoundException">Either submission was not scored.</exception>
    public double Probability(string a, string b) => ProbabilityHigher[IndexOf(a)][IndexOf(b)];

    /// <summary>
    /// The significance rule: a pair differs significantly when P(A higher) ≥ (1 + confidence)/2 or ≤ (1 − confidence)/2
    /// (0.975 / 0.025 at 95 %) — i.e. when the two-sided percentile bootstrap interval of score_A − score_B excludes 0 —
    /// and every cell has ≥ 2 studies (<see cref="IsReplicated"/>).
    /// </summary>
    public bool IsSignificant(double probability) =>
        IsReplicated && (probability >= ((1 + Options.Confidence) / 2) - Slack || probability <= ((1 - Options.Confidence) / 2) + Slack);

    /// <summary>
    /// Every significantly different pair, once, the better first; ordered by the better's point rank, then the worse's,
    /// then name. Empty when <see cref="IsReplicated"/> is false.
    /// </summary>
    public IReadOnlyList<SignificantDifference> SignificantDifferences
    {
        get
        {
            var list = new List<SignificantDifference>();
            for (var i = 0; i < Submissions.Count; i++)
            {
                for (var j = 0; j < Submissions.Count; j++)
                {
                    var p = ProbabilityHigher[i][j];
                    if (i != j && p > 0.5 && IsSignificant(p))
                    {
                        list.Add(new SignificantDifference(Submissions[i].Submission, Submissions[j].Submission, p));
                    }
                }
            }

            return list
                .OrderBy(d => this[d.Better].Rank).ThenBy(d => this[d.Worse].Rank)
                .ThenBy(d => d.Better, StringComparer.Ordinal).ThenBy(d => d.Worse, StringComparer.Ordinal)
                .ToList().AsReadOnly();
        }
    }

    private int IndexOf(string submission)
    {
        for (var i = 0; i < Submissions.Count; i++)
        {
            if (string.Equals(Submissions[i].Submission, submission, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"Submission '{submission}' was not scored in this bootstrap.");
    }
}
