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
    /// changes nothing. Shards a sweep stamped (<see cref="ShardStamp"/>) are checked first, per run label: they must be
    /// shards of one plan (same fingerprint and count: not another plan, seed or budget), no index may come from two
    /// sources, and — unless <paramref name="allowPartial"/> — every index of the plan must be given or merged into the
    /// target before, and every source shard must have finished all its trials: a leaderboard from the merged database
    /// then covers the whole plan.
    /// The values of a schema-3 source's retired eval columns travel too (<see cref="ResultsSchema"/>).
    /// </summary>
    /// <exception cref="ResultsStoreException">A source cannot be read or disagrees with the target or another source; nothing was merged.</exception>
    public static void Into(ResultsStore target, IEnumerable<string> sources, bool allowPartial = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        var others = new List<ResultsStore>();
        try
        {
            foreach (string src in sources) others.Add(ResultsStore.OpenReadOnly(src));
            var merged = CheckShards(target, others, allowPartial);
            target.InTransaction(() =>
            {
                foreach (var other in others) MergeOne(target, other);
                foreach (var (label, stamp) in merged) stamp.WriteMerged(target, label);
            });
        }
        finally
        {
            foreach (var o in others) o.Dispose();
        }
    }

    // The shard checks of Into, before anything is written; returns the target's merged stamp per stamped label.
    private static Dictionary<string, ShardStamp> CheckShards(ResultsStore target, IReadOnlyList<ResultsStore> sources, bool allowPartial)
    {
        var byLabel = new Dictionary<string, List<(ResultsStore Db, StoredRun Run, ShardStamp Stamp)>>(StringComparer.Ordinal);
        foreach (var db in sources)
        {
            foreach (var run in db.Runs())
            {
                if (ShardStamp.OfShard(db, run.Label) is not { } stamp) continue;
                if (!byLabel.TryGetValue(run.Label, out var list)) byLabel[run.Label] = list = [];
                list.Add((db, run, stamp));
            }
        }

        var result = new Dictionary<string, ShardStamp>(StringComparer.Ordinal);
        foreach (var (label, shards) in byLabel)
        {
            string refused = $"cannot merge run '{SafeText.Terminal(label)}'";
            var (firstDb, firstRun, first) = shards[0];
            foreach (var (db, run, stamp) in shards.Skip(1))
            {
                if (run.SweepSeed != firstRun.SweepSeed)
                {
                    throw new ResultsStoreException(
                        $"{refused}: {db.Path} was swept with seed {run.SweepSeed}, {firstDb.Path} with seed {firstRun.SweepSeed} — shards of one sweep share its --seed; nothing was merged");
                }

                if (stamp.Plan != first.Plan || stamp.Count != first.Count)
                {
                    throw new ResultsStoreException(
                        $"{refused}: {db.Path} is {stamp.Describe()} of plan {stamp.Plan} ({stamp.PlanTrials} trials), {firstDb.Path} is {first.Describe()} of plan {first.Plan} " +
                        $"({first.PlanTrials} trials) — another plan (workloads, algorithms, studies, trials, search space or budgets); merge only shards of one sweep; nothing was merged");
                }
            }

            var earlier = ShardStamp.OfMerged(target, label);
            if (earlier is not null && (earlier.Plan != first.Plan || earlier.Count != first.Count))
            {
                throw new ResultsStoreException(
                    $"{refused}: {target.Path} holds shards of plan {earlier.Plan} ({earlier.Count} shards), {firstDb.Path} is {first.Describe()} of plan {first.Plan}; " +
                    "merge it into another --db; nothing was merged");
            }

            foreach (var twice in shards.GroupBy(s => s.Stamp.Shards[0]).Where(g => g.Count() > 1))
            {
                var paths = twice.Select(s => s.Db.Path).ToList();
                throw new ResultsStoreException(
                    $"{refused}: {paths[0]} and {paths[1]} are both {twice.First().Stamp.Describe()}; pass each shard once; nothing was merged");
            }

            var indices = shards.Select(s => s.Stamp.Shards[0]).Concat(earlier?.Shards ?? []).Distinct().Order().ToList();
            if (!allowPartial)
            {
                var missing = Enumerable.Range(0, first.Count).Except(indices).ToList();
                if (missing.Count > 0)
                {
                    string which = string.Join(", ", missing.Take(8).Select(i => $"{i}/{first.Count}")) + (missing.Count > 8 ? $", … ({missing.Count} in all)" : string.Empty);
                    throw new ResultsStoreException(
                        $"{refused}: shard(s) {which} missing — none of the {sources.Count} database(s) given is {(missing.Count == 1 ? "it" : "one")}" +
                        $"{(earlier is null ? string.Empty : $" and {target.Path} has not merged {(missing.Count == 1 ? "it" : "them")}")}; " +
                        "pass every shard's database, or --allow-partial to merge part of the plan; nothing was merged");
                }

                foreach (var (db, run, stamp) in shards)
                {
                    int finished = db.Trials(run.Id).Count(t => StoredTrials.IsFinished(t.State));
                    if (finished < stamp.ShardTrials)
                    {
                        throw new ResultsStoreException(
                            $"{refused}: {db.Path} ({stamp.Describe()}) has finished {finished} of its {stamp.ShardTrials} trials; re-run that shard's sweep to finish it, " +
                            "or pass --allow-partial to merge part of the plan; nothing was merged");
                    }
                }
            }

            result[label] = new ShardStamp(first.Plan, first.Count, indices, first.PlanTrials, 0);
        }

        return result;
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
