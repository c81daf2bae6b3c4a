using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Shard databases carry their shard and plan (<see cref="ShardStamp"/>); merge refuses shards of another plan or
/// seed, one shard given twice, a missing shard and an unfinished one with a one-line error naming the file, and the
/// merged database is unchanged byte for byte after every refusal.
/// </summary>
public sealed class ShardMergeTests : ScratchFolder
{
    private static SweepRequest Request(int shard, int shards, ulong seed = 3, int trials = 3) => new(
        "sweep", ["tiny_regression"], ["adamw", "nadamw"], TuningRuleset.ExternalTuning, Studies: 1, Trials: trials, seed, null, shard, shards,
        new TrialRunnerOptions { MaxSteps = 20, EvalEverySteps = 10 });

    // Runs a request into db without training: each trial gets one eval row (its key's length as the loss) and completes;
    // with stopAfter, the sweep is interrupted (as by a preemption) when that many trials have finished.
    private string Sweep(string db, SweepRequest request, int? stopAfter = null)
    {
        using var store = ResultsStore.Open(P(db));
        using var tiny = new TinyWorkload(target: -1);
        var spec = tiny.Spec;
        new SweepRunner(store, _ => new TinyWorkload(target: -1), TestRegistries.Algorithms.Resolve, new StringWriter(),
            executorFor: _ => new Instant(store, stopAfter), specs: _ => spec).Run(request, "test", "{}");
        return P(db);
    }

    private string[] Shards(ulong seed = 3, int trials = 3, string prefix = "s") =>
        Enumerable.Range(0, 3).Select(i => Sweep($"{prefix}{i}.db", Request(i, 3, seed, trials))).ToArray();

    // The merged database's bytes (and its write-ahead log's, if any) once every connection is closed.
    private string Hash(string db)
    {
        SqliteConnection.ClearAllPools();
        string wal = File.Exists(db + "-wal") ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(db + "-wal"))) : "-";
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(db))) + "/" + wal;
    }

    // A target that already holds something: another run, merged from an unsharded sweep.
    private string Target()
    {
        string other = Sweep("other.db", Request(0, 1) with { RunLabel = "other" });
        Assert.Equal(0, HostedCli.Run("merge", "--db", P("merged.db"), other).Code);
        return P("merged.db");
    }

    private (string Err, string Before) Refused(string target, params string[] args)
    {
        string before = Hash(target);
        var (code, output, err) = HostedCli.Run(["merge", "--db", target, .. args]);
        Assert.True(code == 2, output + err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Equal(before, Hash(target));
        using var store = ResultsStore.OpenReadOnly(target);
        Assert.Equal(["other"], store.Runs().Select(r => r.Label)); // nothing of the refused shards got in
        return (err, before);
    }

    [Fact]
    public void EachShardRecordsItsPartAndTheMergeOfAllEqualsTheUnshardedSweep()
    {
        string whole = Sweep("whole.db", Request(0, 1));
        var shards = Shards();
        var stamps = shards.Select(s =>
        {
            using var store = ResultsStore.OpenReadOnly(s);
            return ShardStamp.OfShard(store, "sweep")!;
        }).ToList();
        Assert.All(stamps, s => Assert.Equal((3, 6), (s.Count, s.PlanTrials)));
        Assert.Equal([0, 1, 2], stamps.Select(s => Assert.Single(s.Shards)));
        Assert.Equal([2, 2, 2], stamps.Select(s => s.ShardTrials));
        Assert.Single(stamps.Select(s => s.Plan).Distinct());
        using (var store = ResultsStore.OpenReadOnly(whole))
        {
            Assert.Null(ShardStamp.OfShard(store, "sweep")); // an unsharded sweep writes no stamp
        }

        var (code, output, err) = HostedCli.Run(["merge", "--db", P("merged.db"), .. shards]);
        Assert.True(code == 0, output + err);
        Assert.Equal(HostedCli.Trials(whole, "sweep").Select(t => t.Trial.Key), HostedCli.Trials(P("merged.db"), "sweep").Select(t => t.Trial.Key));
        using var merged = ResultsStore.OpenReadOnly(P("merged.db"));
        Assert.Equal([0, 1, 2], ShardStamp.OfMerged(merged, "sweep")!.Shards);
    }

    [Fact]
    public void AShardOfAnotherSeedIsRefusedNamingTheFileAndTheSeeds()
    {
        string target = Target();
        var shards = Shards();
        string stray = Sweep("seed4.db", Request(2, 3, seed: 4));
        var (err, _) = Refused(target, shards[0], shards[1], stray);
        Assert.Contains($"cannot merge run 'sweep': {stray} was swept with seed 4, {shards[0]} with seed 3 — shards of one sweep share its --seed; nothing was merged", err, StringComparison.Ordinal);
    }

    [Fact]
    public void AShardOfAnotherPlanIsRefusedNamingTheFileAndBothPlans()
    {
        string target = Target();
        var shards = Shards();
        string stray = Sweep("four.db", Request(2, 3, trials: 4)); // same seed, same keys for trials 0-2, but 4 trials a study
        string plan, other;
        using (var a = ResultsStore.OpenReadOnly(shards[0])) plan = ShardStamp.OfShard(a, "sweep")!.Plan;
        using (var b = ResultsStore.OpenReadOnly(stray)) other = ShardStamp.OfShard(b, "sweep")!.Plan;
        Assert.NotEqual(plan, other);
        var (err, _) = Refused(target, shards[0], shards[1], stray);
        Assert.Contains($"cannot merge run 'sweep': {stray} is shard 2/3 of plan {other} (8 trials), {shards[0]} is shard 0/3 of plan {plan} (6 trials) — another plan", err, StringComparison.Ordinal);
    }

    [Fact]
    public void OneShardGivenTwiceIsRefusedNamingBothFiles()
    {
        string target = Target();
        var shards = Shards();
        File.Copy(shards[1], P("copy.db"));
        var (err, _) = Refused(target, shards[0], shards[1], P("copy.db"), shards[2]);
        Assert.Contains($"cannot merge run 'sweep': {shards[1]} and {P("copy.db")} are both shard 1/3; pass each shard once; nothing was merged", err, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingShardIsRefusedNamingItUnlessPartialIsAllowed()
    {
        string target = Target();
        var shards = Shards();
        var (err, _) = Refused(target, shards[0], shards[2]);
        Assert.Contains("cannot merge run 'sweep': shard(s) 1/3 missing — none of the 2 database(s) given is it; pass every shard's database, or --allow-partial", err, StringComparison.Ordinal);

        // part of the plan on purpose, then the rest: the target remembers which shards it has merged
        Assert.Equal(0, HostedCli.Run("merge", "--db", target, shards[0], shards[2], "--allow-partial").Code);
        Assert.Equal(4, HostedCli.Trials(target, "sweep").Count);
        string lone = Sweep("lone.db", Request(1, 3, seed: 3));
        var (code, output, errors) = HostedCli.Run("merge", "--db", target, lone);
        Assert.True(code == 0, output + errors);
        Assert.Equal(6, HostedCli.Trials(target, "sweep").Count);
    }

    [Fact]
    public void AnUnfinishedShardIsRefusedNamingItAndItsCounts()
    {
        string target = Target();
        var shards = Shards();
        string cut = Sweep("cut.db", Request(1, 3), stopAfter: 1); // preempted after its first trial
        var (err, _) = Refused(target, shards[0], cut, shards[2]);
        Assert.Contains($"cannot merge run 'sweep': {cut} (shard 1/3) has finished 1 of its 2 trials; re-run that shard's sweep to finish it, or pass --allow-partial", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ATargetHoldingAnotherPlanRefusesItsShards()
    {
        var shards = Shards();
        Assert.Equal(0, HostedCli.Run(["merge", "--db", P("merged.db"), .. shards]).Code);
        string before = Hash(P("merged.db"));
        var four = Shards(trials: 4, prefix: "f");
        var (code, _, err) = HostedCli.Run(["merge", "--db", P("merged.db"), .. four]);
        Assert.Equal(2, code);
        Assert.Contains($"cannot merge run 'sweep': {P("merged.db")} holds shards of plan ", err, StringComparison.Ordinal);
        Assert.Contains($"{four[0]} is shard 0/3 of plan ", err, StringComparison.Ordinal);
        Assert.Equal(before, Hash(P("merged.db")));
    }

    [Fact]
    public void ASweepRefusesADatabaseHoldingAnotherShardOfTheRun()
    {
        Sweep("s.db", Request(0, 3));
        var e = Assert.Throws<ResultsStoreException>(() => Sweep("s.db", Request(1, 3)));
        Assert.Contains($"run 'sweep' in {P("s.db")} holds shard 0/3 of plan ", e.Message, StringComparison.Ordinal);
        Assert.Contains("this command is shard 1/3 of plan ", e.Message, StringComparison.Ordinal);
        Sweep("s.db", Request(0, 3)); // the same shard again resumes (nothing left to run)
        e = Assert.Throws<ResultsStoreException>(() => Sweep("s.db", Request(0, 1)));
        Assert.Contains("this command is shard 0/1 of plan ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DryRunPrintsEachShardsTrialsAndBudgetAndOpensNoDatabase()
    {
        var (code, output, err) = HostedCli.Run("sweep", "-w", "synthetic_regression", "-a", "adamw", "-a", "nadamw", "--trials", "3", "--studies", "2",
            "--max-runtime", "10", "--shard", "0/5", "--dry-run", "--db", P("x.db"));
        Assert.True(code == 0, output + err);
        Assert.False(File.Exists(P("x.db")));
        Assert.Contains("1 workloads × 2 algorithms × 2 studies × 3 trials = 12 trials, 120.0 budget-seconds", output, StringComparison.Ordinal);
        // 12 trials of 10 s into 5 shards: 3, 3, 2, 2, 2
        Assert.Contains("0/5             3         30.0 25.00 %", output, StringComparison.Ordinal);
        Assert.Contains("4/5             2         20.0 16.67 %", output, StringComparison.Ordinal);
        Assert.Contains("heaviest shard 30.0 budget-s = 1.2500 × the mean 24.0; heaviest − lightest = 10.0 s", output, StringComparison.Ordinal);
    }

    // Completes each trial at once with one eval row; returns Interrupted (leaving the trial pending) after stopAfter.
    private sealed class Instant(ResultsStore store, int? stopAfter) : ITrialExecutor
    {
        private int _done;

        public TrialOutcome Execute(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
        {
            if (_done == stopAfter) return new TrialOutcome(TrialState.Interrupted, 0, 0, null, 0, null);
            _done++;
            double loss = job.Spec.Key.Length;
            store.AppendEval(job.TrialId, new StoredEval(10, 1, 0, 0, 1, new Dictionary<string, double> { ["validation/loss"] = loss }, new Dictionary<string, double>()));
            store.FinishTrial(job.TrialId, TrialState.Completed, null, 10, 1, 0.1);
            return new TrialOutcome(TrialState.Completed, 10, 1, null, 0.1, null);
        }
    }
}
