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
    /// <summary>
    /// True when every cell has at least two studies. With one study in a cell every resample of it is that study, so
    /// its spread is zero and intervals would only show the other cells' noise: callers should then print "intervals
    /// need ≥ 2 studies" instead of intervals.
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
