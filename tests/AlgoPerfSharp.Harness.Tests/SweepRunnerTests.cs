using AlgoPerfSharp.Harness.Plugins;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class SweepRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-sweep-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static SweepRequest Request(int shard = 0, int shards = 1, ulong seed = 3) => new(
        "sweep", ["tiny_regression"], ["adamw", "nadamw"], TuningRuleset.ExternalTuning, Studies: 1, Trials: 2, seed, null, shard, shards,
        new TrialRunnerOptions { MaxSteps = 20, EvalEverySteps = 10 });

    private SweepSummary Sweep(string db, SweepRequest request, StringWriter? log = null)
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, db));
        return new SweepRunner(store, _ => new TinyWorkload(target: -1), TestRegistries.Algorithms.Resolve, log ?? new StringWriter())
            .Run(request, "test", "{}");
    }

    private Dictionary<string, double[]> Metrics(string db)
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, db), create: false);
        var run = store.FindRun("sweep")!;
        return store.Trials(run.Id).ToDictionary(t => t.Key, t => store.Evals(t.Id).Select(e => e.Metrics["validation/loss"]).ToArray());
    }

    [Fact]
    public void WithASpecSourceTheParentNeverBuildsTheWorkloadForOutOfProcessTrials()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "spec.db"));
        using var tiny = new TinyWorkload(target: -1);
        var spec = tiny.Spec;
        int built = 0;
        var executor = new SpecOnlyExecutor(store);
        var summary = new SweepRunner(store, _ => { built++; return new TinyWorkload(target: -1); }, TestRegistries.Algorithms.Resolve, new StringWriter(),
            executorFor: _ => executor, specs: _ => spec).Run(Request(), "test", "{}");
        Assert.Equal(4, summary.Ran);
        Assert.Equal(0, built);
        Assert.Equal(4, executor.Seen.Count);
        Assert.All(executor.Seen, s => Assert.Same(spec, s));
        Assert.Equal("tiny_regression", Assert.Single(store.WorkloadSpecs(store.FindRun("sweep")!.Id)).Name);

        // in-process execution asks for the workload, which is then built once and shared by the trials
        var inProcess = new SweepRunner(store, _ => { built++; return new TinyWorkload(target: -1); }, TestRegistries.Algorithms.Resolve, new StringWriter(),
            specs: _ => spec).Run(Request() with { RunLabel = "again" }, "test", "{}");
        Assert.Equal(4, inProcess.Ran);
        Assert.Equal(1, built);
    }

    /// <summary>Finishes each trial without running it, as a worker executor would after its process exits, and never touches the workload.</summary>
    private sealed class SpecOnlyExecutor(ResultsStore store) : Trial.Workers.ITrialExecutor
    {
        public List<AlgoPerfSharp.Workloads.WorkloadSpec> Seen { get; } = [];

        public TrialOutcome Execute(Trial.Workers.TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
        {
            Seen.Add(job.WorkloadSpec);
            store.FinishTrial(job.TrialId, TrialState.Completed, null, 0, 0, 0);
            return new TrialOutcome(TrialState.Completed, 0, 0, null, 0, null);
        }
    }

    [Fact]
    public void ASweepRunsEveryTrialAndARerunSkipsThem()
    {
        var log = new StringWriter();
        var first = Sweep("a.db", Request(), log);
        Assert.Equal(4, first.Planned);
        Assert.Equal(4, first.Ran);
        Assert.Contains("[1/4] tiny_regression/adamw/external/study0/trial0", log.ToString());
        Assert.Contains("completed after 20 steps", log.ToString());
        var metrics = Metrics("a.db");
        Assert.Equal(4, metrics.Count);
        Assert.All(metrics.Values, m => Assert.Equal(2, m.Length));
        Assert.All(metrics.Values, m => Assert.True(m[1] < m[0], "validation loss should fall"));

        var second = Sweep("a.db", Request());
        Assert.Equal(0, second.Ran);
        Assert.Equal(4, second.Skipped);

        var e = Assert.Throws<ResultsStoreException>(() => Sweep("a.db", Request(seed: 4)));
        Assert.Contains("was created with seed 3, not 4", e.Message);
    }

    [Fact]
    public void TwoShardsMergedEqualTheUnshardedSweep()
    {
        Sweep("full.db", Request());
        Assert.Equal(2, Sweep("s0.db", Request(0, 2)).Ran);
        Assert.Equal(2, Sweep("s1.db", Request(1, 2)).Ran);
        using (var merged = ResultsStore.Open(Path.Combine(_dir, "merged.db")))
        {
            ResultsMerge.Into(merged, [Path.Combine(_dir, "s0.db"), Path.Combine(_dir, "s1.db")]);
        }

        var full = Metrics("full.db");
        var merged2 = Metrics("merged.db");
        Assert.Equal(full.Keys.Order(StringComparer.Ordinal), merged2.Keys.Order(StringComparer.Ordinal));
        foreach (var (k, v) in full) Assert.Equal(v, merged2[k]);
    }

    [Fact]
    public void CtrlCBetweenTrialsStartsNoNewTrial()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "cancel.db"));
        using var cts = new CancellationTokenSource();
        var summary = new SweepRunner(store, _ => new TinyWorkload(target: -1), TestRegistries.Algorithms.Resolve, new StringWriter(), observer: new CancelAfterFirst(cts))
            .Run(Request(), "test", "{}", cts.Token);
        Assert.True(summary.Interrupted);
        Assert.Equal(1, summary.Ran);
        var states = store.Trials(summary.RunId).Select(t => t.State).ToList();
        Assert.Equal(1, states.Count(s => s == TrialState.Completed));
        Assert.Equal(states.Count - 1, states.Count(s => s == TrialState.Pending));
    }

    [Fact]
    public void CtrlCDuringPlanningStopsThePlanAtOnce()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => SweepPlanner.Plan(
            "tiny_regression", TestRegistries.Algorithms.Resolve("adamw"), "adamw", TuningRuleset.ExternalTuning, studies: 50_000, trials: 2, 3, cancellation: cts.Token));
    }

    private sealed class CancelAfterFirst(CancellationTokenSource cts) : ISweepObserver
    {
        public void TrialStarting(int index, int count, TrialSpec spec)
        {
        }

        public void TrialFinished(TrialSpec spec, TrialOutcome outcome) => cts.Cancel();
    }
}
