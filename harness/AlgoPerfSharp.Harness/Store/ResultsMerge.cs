using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// Combines results databases (the shards of one sweep, or runs recorded on several machines) into one: the
/// <c>algoperf merge</c> command.
/// </summary>
public static class ResultsMerge
{
    /// <summary>
    /// Copies every run of <paramref name="sources"/> (shard databases, opened read-only) into <paramref name="target"/>,
    /// in one transaction: a refused merge writes nothing. Runs with the same label are combined only when they are the
    /// same sweep — same seed, same workload constants (preset, targets, budget), same algorithm builds and, for a trial
    /// in both, the same hyperparameters, seeds and budget multiplier; a trial already present is kept unless the
    /// incoming one progressed further (a later state, or the same state and more steps). Merging the same source twice
    /// changes nothing. The values of a schema-3 source's retired eval columns travel too (<see cref="ResultsSchema"/>).
    /// </summary>
    /// <exception cref="ResultsStoreException">A source cannot be read or disagrees with the target; nothing was merged.</exception>
    public static void Into(ResultsStore target, IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        var others = new List<ResultsStore>();
        try
        {
            foreach (string src in sources) others.Add(ResultsStore.OpenReadOnly(src));
            target.InTransaction(() =>
            {
                foreach (var other in others) MergeOne(target, other);
            });
        }
        finally
        {
            foreach (var o in others) o.Dispose();
        }
    }

    private static void MergeOne(ResultsStore target, ResultsStore other)
    {
        foreach (var run in other.Runs())
        {
            string refused = $"cannot merge run '{run.Label}' from {other.Path} into {target.Path}";
            var into = target.FindRun(run.Label) ?? target.CreateRun(run.Label, run.Command, run.SweepSeed, run.EnvironmentJson);
            if (into.SweepSeed != run.SweepSeed)
            {
                throw new ResultsStoreException($"{refused}: sweep seed {run.SweepSeed} differs from {into.SweepSeed}; nothing was merged");
            }

            MergeWorkloadSpecs(target, into.Id, other, run.Id, refused);
            MergeAlgorithmVersions(target, into.Id, other, run.Id, refused);
            MergeTrials(target, into.Id, other, run.Id, refused);
        }
    }

    private static void MergeWorkloadSpecs(ResultsStore target, long intoRun, ResultsStore other, long fromRun, string refused)
    {
        var specs = target.WorkloadSpecs(intoRun).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var ws in other.WorkloadSpecs(fromRun))
        {
            if (!specs.TryGetValue(ws.Name, out var mine))
            {
                target.InsertWorkloadSpec(intoRun, ws);
            }
            else if (mine.Difference(ws) is { } why)
            {
                throw new ResultsStoreException($"{refused}: workload {ws.Name} was run with other constants: {why}; nothing was merged");
            }
        }
    }

    private static void MergeAlgorithmVersions(ResultsStore target, long intoRun, ResultsStore other, long fromRun, string refused)
    {
        var versions = target.AlgorithmVersions(intoRun);
        foreach (var (algorithm, version) in other.AlgorithmVersions(fromRun))
        {
            if (!versions.TryGetValue(algorithm, out string? mine))
            {
                target.InsertAlgorithmVersion(intoRun, algorithm, version);
            }
            else if (mine != version)
            {
                throw new ResultsStoreException($"{refused}: {SafeText.Terminal(algorithm)} was trained as {SafeText.Terminal(version)} there and as {SafeText.Terminal(mine)} here; nothing was merged");
            }
        }
    }

    private static void MergeTrials(ResultsStore target, long intoRun, ResultsStore other, long fromRun, string refused)
    {
        var existing = target.Trials(intoRun).ToDictionary(t => t.Key, StringComparer.Ordinal);
        foreach (var t in other.Trials(fromRun))
        {
            existing.TryGetValue(t.Key, out var mine);
            if (mine is not null && TrialSettings.Of(mine).Difference(TrialSettings.Of(t)) is { } why)
            {
                throw new ResultsStoreException($"{refused}: trial {t.Key} was run with other settings ({why}); nothing was merged");
            }

            if (mine is not null && !(Rank(t.State) > Rank(mine.State) || (t.State == mine.State && t.Steps > mine.Steps)))
            {
                continue;
            }

            if (mine is not null) target.DeleteTrial(mine.Id);

            // The start/finish times travel too: a started trial must stay resumable from its checkpoint
            // (TrialRunner discards checkpoints of trials the database has never started).
            var (started, finished) = other.TrialTimes(t.Id);
            long copy = target.InsertTrial(intoRun, t, started, finished);
            foreach (var e in other.Evals(t.Id)) target.AppendEval(copy, e);
            target.CopyRetiredEvalValues(other, t.Id, copy); // a schema-3 source's CPU and probe seconds travel unread
        }
    }

    // How far a trial progressed: every end counts as much as any other.
    private static int Rank(TrialState s) => s switch
    {
        TrialState.Pending => 0,
        TrialState.Running => 1,
        TrialState.Interrupted => 2,
        _ => 3,
    };
}
