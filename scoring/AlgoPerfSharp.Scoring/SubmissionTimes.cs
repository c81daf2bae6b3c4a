namespace AlgoPerfSharp.Scoring;

/// <summary>
/// One submission's per-workload time-to-target in seconds — one row of the matrix the performance profiles are
/// computed from. A workload absent from <see cref="Seconds"/> counts as not reached (∞).
/// </summary>
/// <remarks>Immutable (the dictionary is copied) and thread-safe.</remarks>
public sealed record SubmissionTimes
{
    /// <summary>Creates a row.</summary>
    /// <param name="submission">Submission identifier.</param>
    /// <param name="seconds">Workload → time-to-target in seconds: &gt; 0, or +∞ for not reached; copied.</param>
    /// <exception cref="ArgumentException">The name is empty or a time is NaN, ≤ 0 or −∞ (a zero time cannot be
    /// divided by; AlgoPerf's runner never logs one).</exception>
    public SubmissionTimes(string submission, IReadOnlyDictionary<string, double> seconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        Submission = Require.Name(submission, nameof(submission));
        foreach (var (workload, t) in seconds)
        {
            if (double.IsNaN(t) || t <= 0)
            {
                throw new ArgumentException(
                    $"Time-to-target of {submission} on '{workload}' must be > 0 seconds or +∞, got {t}.", nameof(seconds));
            }
        }

        Seconds = new Dictionary<string, double>(seconds, StringComparer.Ordinal);
    }

    /// <summary>Submission identifier.</summary>
    public string Submission { get; }

    /// <summary>Workload → time-to-target in seconds (+∞ = not reached).</summary>
    public IReadOnlyDictionary<string, double> Seconds { get; }

    /// <summary>The time on <paramref name="workload"/>, +∞ when absent.</summary>
    public double this[string workload] =>
        Seconds.TryGetValue(workload, out var t) ? t : double.PositiveInfinity;

    /// <summary>
    /// Builds one row per submission from per-workload results (validation times), ordered by submission (ordinal).
    /// </summary>
    /// <exception cref="ArgumentException">A (submission, workload) pair appears twice.</exception>
    public static IReadOnlyList<SubmissionTimes> From(IEnumerable<WorkloadTimeToTarget> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<SubmissionTimes>();
        foreach (var group in results.GroupBy(r => r.Submission).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var r in group)
            {
                if (!seconds.TryAdd(r.Workload, r.ValidationSeconds))
                {
                    throw new ArgumentException(
                        $"Submission {r.Submission} has two results for workload '{r.Workload}'.", nameof(results));
                }
            }

            rows.Add(new SubmissionTimes(group.Key, seconds));
        }

        return rows.AsReadOnly();
    }
}
