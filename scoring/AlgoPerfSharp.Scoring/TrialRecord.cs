namespace AlgoPerfSharp.Scoring;

/// <summary>
/// One trial — one training run of one submission on one workload in one study — with its eval rows and its state.
/// </summary>
/// <remarks>
/// The rows are stored in global-step order. The constructor rejects rows of another trial, two rows at the same
/// global step, and submission time that goes backwards as steps increase (all signs of a corrupted log). A trial
/// with no rows is valid (it crashed before its first eval) and never reaches a target. Immutable and thread-safe.
/// </remarks>
public sealed record TrialRecord
{
    /// <summary>Creates a trial record.</summary>
    /// <param name="submission">Submission identifier.</param>
    /// <param name="workload">Workload identifier.</param>
    /// <param name="study">Study index (≥ 0).</param>
    /// <param name="trial">Trial index within the study (≥ 0).</param>
    /// <param name="state">Where the trial is or how it ended (scoring reads its rows whatever the state).</param>
    /// <param name="rows">Its eval rows, any order; each must carry the same submission, workload, study and trial.</param>
    /// <exception cref="ArgumentException">An identifier does not match, steps repeat, or time decreases.</exception>
    public TrialRecord(string submission, string workload, int study, int trial, TrialState state, IEnumerable<EvalRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Submission = Require.Name(submission, nameof(submission));
        Workload = Require.Name(workload, nameof(workload));
        if (study < 0)
        {
            throw new ArgumentException($"study must be ≥ 0, got {study}.", nameof(study));
        }

        if (trial < 0)
        {
            throw new ArgumentException($"trial must be ≥ 0, got {trial}.", nameof(trial));
        }

        if (!Enum.IsDefined(state))
        {
            throw new ArgumentException($"Unknown trial state {(int)state}.", nameof(state));
        }

        Study = study;
        Trial = trial;
        State = state;

        var sorted = new List<EvalRow>();
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            if (!string.Equals(row.Submission, submission, StringComparison.Ordinal) ||
                !string.Equals(row.Workload, workload, StringComparison.Ordinal) ||
                row.Study != study || row.Trial != trial)
            {
                throw new ArgumentException(
                    $"Eval row of {row.Submission}/{row.Workload} study {row.Study} trial {row.Trial} does not belong " +
                    $"to trial {Describe()}.", nameof(rows));
            }

            sorted.Add(row);
        }

        sorted.Sort((a, b) => a.GlobalStep.CompareTo(b.GlobalStep));
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].GlobalStep == sorted[i - 1].GlobalStep)
            {
                throw new ArgumentException(
                    $"Trial {Describe()} has two eval rows at global step {sorted[i].GlobalStep}.", nameof(rows));
            }

            if (sorted[i].SubmissionTimeSeconds < sorted[i - 1].SubmissionTimeSeconds)
            {
                throw new ArgumentException(
                    $"Trial {Describe()}: submission time goes backwards from {sorted[i - 1].SubmissionTimeSeconds} s " +
                    $"(step {sorted[i - 1].GlobalStep}) to {sorted[i].SubmissionTimeSeconds} s (step {sorted[i].GlobalStep}).",
                    nameof(rows));
            }
        }

        Rows = sorted.AsReadOnly();
    }

    /// <summary>Submission identifier.</summary>
    public string Submission { get; }

    /// <summary>Workload identifier.</summary>
    public string Workload { get; }

    /// <summary>Study index.</summary>
    public int Study { get; }

    /// <summary>Trial index within the study.</summary>
    public int Trial { get; }

    /// <summary>Where the trial is or how it ended.</summary>
    public TrialState State { get; }

    /// <summary>The eval rows in global-step order (submission time non-decreasing).</summary>
    public IReadOnlyList<EvalRow> Rows { get; }

    /// <summary>Builds a trial from rows that all carry its identifiers (taken from the first row).</summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is empty or mixes trials.</exception>
    public static TrialRecord FromRows(TrialState state, IEnumerable<EvalRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Cannot infer a trial's identifiers from zero rows; use the constructor.", nameof(rows));
        }

        var first = list[0];
        return new TrialRecord(first.Submission, first.Workload, first.Study, first.Trial, state, list);
    }

    internal string Describe() => $"{Submission}/{Workload} study {Study} trial {Trial}";
}
