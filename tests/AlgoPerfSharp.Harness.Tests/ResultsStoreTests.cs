using AlgoPerfSharp.Optimizers.Algorithms;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class ResultsStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-store-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Db(string name = "results.db") => Path.Combine(_dir, name);

    private static StoredEval Row(long step, double t, double err) => new(step, t, t / 10, 0.01, t * 1.2,
        new Dictionary<string, double> { ["validation/error_rate"] = err, ["train/loss"] = double.NaN },
        new Dictionary<string, double> { ["refreshes"] = step });

    [Fact]
    public void RunsTrialsAndEvalRowsRoundTripIncludingNaN()
    {
        var plan = SweepPlanner.Plan("fashion_mnist_resnet", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 2, 5);
        using (var store = ResultsStore.Open(Db()))
        {
            var run = store.CreateRun("nightly", "algoperf sweep", 5, "{\"cores\":2}");
            var t0 = store.EnsureTrial(run.Id, plan[0]);
            Assert.Equal(t0.Id, store.EnsureTrial(run.Id, plan[0]).Id); // idempotent
            store.MarkRunning(t0.Id);
            store.AppendEval(t0.Id, Row(10, 1.5, 0.5));
            store.AppendEval(t0.Id, Row(20, 3.0, 0.25));
            store.FinishTrial(t0.Id, TrialState.Completed, null, 20, 3.0, 0.15);
        }

        using (var store = ResultsStore.Open(Db(), create: false))
        {
            var run = Assert.Single(store.Runs());
            Assert.Equal(5UL, run.SweepSeed);
            var trial = Assert.Single(store.Trials(run.Id));
            Assert.Equal(plan[0].Key, trial.Key);
            Assert.Equal(plan[0].DataSeed, trial.DataSeed);
            Assert.Equal(TrialState.Completed, trial.State);
            Assert.Equal(0.15, trial.MedianStepSeconds);
            var evals = store.Evals(trial.Id);
            Assert.Equal([10L, 20L], evals.Select(e => e.Step));
            Assert.Equal(0.25, evals[1].Metrics["validation/error_rate"]);
            Assert.True(double.IsNaN(evals[1].Metrics["train/loss"]));
            Assert.Equal(20, evals[1].Diagnostics["refreshes"]);
            Assert.Contains("already has a run labelled 'nightly'", Assert.Throws<ResultsStoreException>(() => store.CreateRun("nightly", "x", 1, "{}")).Message);
        }
    }

    [Fact]
    public void ANewerSchemaIsRefusedAndGarbageIsNotADatabase()
    {
        using (var store = ResultsStore.Open(Db()))
        {
        }

        using (var raw = new SqliteConnection($"Data Source={Db()};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "UPDATE meta SET value = '99' WHERE key = 'schema_version';";
            cmd.ExecuteNonQuery();
        }

        var e = Assert.Throws<ResultsStoreException>(() => ResultsStore.Open(Db()));
        Assert.Contains($"schema version 99, newer than this AlgoPerfSharp understands ({ResultsSchema.Version})", e.Message);

        File.WriteAllText(Db("garbage.db"), "this is not sqlite, just text long enough to be read as a header...........");
        Assert.Contains("is not a usable results database", Assert.Throws<ResultsStoreException>(() => ResultsStore.Open(Db("garbage.db"))).Message);
        Assert.Contains("does not exist", Assert.Throws<ResultsStoreException>(() => ResultsStore.Open(Db("missing.db"), create: false)).Message);
    }

    [Fact]
    public void ASchemaOneDatabaseIsReadAsItIsAndMigratedWhenOpenedForWriting()
    {
        long runId;
        using (var store = ResultsStore.Open(Db()))
        {
            runId = store.CreateRun("r", "c", 1, "{}").Id;
        }

        using (var raw = new SqliteConnection($"Data Source={Db()};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "DROP TABLE algorithm_versions; UPDATE meta SET value = '1' WHERE key = 'schema_version';";
            cmd.ExecuteNonQuery();
        }

        using (var old = ResultsStore.OpenReadOnly(Db()))
        {
            Assert.Empty(old.AlgorithmVersions(runId)); // read as it is: no table, no versions
        }

        using (var store = ResultsStore.Open(Db()))
        {
            store.RecordAlgorithmVersion(runId, "adamw", "v");
            Assert.Equal("v", store.AlgorithmVersions(runId)["adamw"]);
        }

        using var check = new SqliteConnection($"Data Source={Db()};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT value FROM meta WHERE key = 'schema_version';";
        Assert.Equal(ResultsSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), version.ExecuteScalar());
    }

    [Fact]
    public void ASchemaTwoDatabaseKeepsItsRowsGainsTheTimingColumnsAsNullAndStoresNewOnes()
    {
        var plan = SweepPlanner.Plan("fashion_mnist_resnet", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 1, 5);
        long trialId;
        using (var store = ResultsStore.Open(Db()))
        {
            var run = store.CreateRun("r", "c", 1, "{}");
            trialId = store.EnsureTrial(run.Id, plan[0]).Id;
            store.AppendEval(trialId, Row(10, 1.5, 0.5));
        }

        // make it a schema-2 file: the evals table as schema 2 declared it
        using (var raw = new SqliteConnection($"Data Source={Db()};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "ALTER TABLE evals DROP COLUMN submission_cpu_seconds; ALTER TABLE evals DROP COLUMN probe_seconds; " +
                "UPDATE meta SET value = '2' WHERE key = 'schema_version';";
            cmd.ExecuteNonQuery();
        }

        using (var old = ResultsStore.OpenReadOnly(Db()))
        {
            var row = Assert.Single(old.Evals(trialId)); // read as it is
            Assert.Equal(1.5, row.SubmissionSeconds);
            Assert.Null(row.SubmissionCpuSeconds);
            Assert.Null(row.ProbeSeconds);
        }

        using (var store = ResultsStore.Open(Db()))
        {
            store.AppendEval(trialId, Row(20, 3.0, 0.4) with { SubmissionCpuSeconds = 5.5, ProbeSeconds = 0.025 });
            var rows = store.Evals(trialId);
            Assert.Equal([1.5, 3.0], rows.Select(r => r.SubmissionSeconds));
            Assert.Equal([null, 5.5], rows.Select(r => r.SubmissionCpuSeconds));
            Assert.Equal([null, 0.025], rows.Select(r => r.ProbeSeconds));
        }

        using var check = new SqliteConnection($"Data Source={Db()};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT value FROM meta WHERE key = 'schema_version';";
        Assert.Equal("3", version.ExecuteScalar());
    }

    [Fact]
    public void AlgoPerfCsvHasItsColumnsAndValues()
    {
        using var store = ResultsStore.Open(Db());
        var run = store.CreateRun("r", "c", 1, "{}");
        var t = store.EnsureTrial(run.Id, SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.SelfTuning, 1, 1, 1)[0]);
        store.AppendEval(t.Id, Row(10, 1.5, 0.5));
        string csv = Path.Combine(_dir, "eval_measurements.csv");
        AlgoPerfCsv.Export(store, t.Id, csv);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("global_step,score,total_duration,accumulated_submission_time,accumulated_eval_time,accumulated_logging_time,train/loss,validation/error_rate,diagnostics/refreshes", lines[0]);
        // the row's diagnostics ({"refreshes": step}) reach the CSV
        Assert.Equal("10,1.5,1.7999999999999998,1.5,0.15,0.01,nan,0.5,10", lines[1]);
    }

    [Fact]
    public void ResumingDropsEvalRowsAfterTheCheckpoint()
    {
        using var store = ResultsStore.Open(Db());
        var run = store.CreateRun("r", "c", 1, "{}");
        var t = store.EnsureTrial(run.Id, SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.SelfTuning, 1, 1, 1)[0]);
        foreach (int s in new[] { 10, 20, 30 }) store.AppendEval(t.Id, Row(s, s / 10.0, 0.5));
        store.DeleteEvalsAfter(t.Id, 20);
        Assert.Equal([10L, 20L], store.Evals(t.Id).Select(e => e.Step));
    }

    [Fact]
    public void MergingShardsEqualsTheUnshardedSetOfTrials()
    {
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 2, 3, 8);
        for (int shard = 0; shard < 3; shard++)
        {
            using var s = ResultsStore.Open(Db($"shard{shard}.db"));
            var run = s.CreateRun("sweep", "algoperf sweep --shard", 8, "{}");
            foreach (var spec in SweepPlanner.Shard(plan, shard, 3))
            {
                var t = s.EnsureTrial(run.Id, spec);
                s.AppendEval(t.Id, Row(5, spec.Trial + 1, 0.1 * spec.Study));
                s.FinishTrial(t.Id, TrialState.Completed, null, 5, spec.Trial + 1, 0.2);
            }
        }

        using var merged = ResultsStore.Open(Db("merged.db"));
        ResultsMerge.Into(merged, Enumerable.Range(0, 3).Select(i => Db($"shard{i}.db")));
        ResultsMerge.Into(merged, [Db("shard1.db")]); // merging twice changes nothing
        var run1 = Assert.Single(merged.Runs());
        var trials = merged.Trials(run1.Id);
        Assert.Equal(plan.Select(p => p.Key).Order(StringComparer.Ordinal), trials.Select(t => t.Key));
        Assert.All(trials, t => Assert.Single(merged.Evals(t.Id)));
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.State));

        using (var other = ResultsStore.Open(Db("otherseed.db")))
        {
            other.CreateRun("sweep", "x", 9, "{}");
        }

        Assert.Contains("sweep seed 9 differs from 8", Assert.Throws<ResultsStoreException>(() => ResultsMerge.Into(merged, [Db("otherseed.db")])).Message);
    }

    [Fact]
    public void MergingKeepsWhetherATrialHadStartedSoItsCheckpointStaysResumable()
    {
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.ExternalTuning, 1, 2, 8);
        using (var s = ResultsStore.Open(Db("started.db")))
        {
            var run = s.CreateRun("sweep", "c", 8, "{}");
            var started = s.EnsureTrial(run.Id, plan[0]);
            s.EnsureTrial(run.Id, plan[1]); // planned, never started
            Assert.False(s.MarkRunning(started.Id)); // first start
            Assert.True(s.MarkRunning(started.Id));  // a resume
        }

        using var merged = ResultsStore.Open(Db("merged-started.db"));
        ResultsMerge.Into(merged, [Db("started.db")]);
        var trials = merged.Trials(Assert.Single(merged.Runs()).Id).ToDictionary(t => t.Key);
        Assert.NotNull(merged.TrialTimes(trials[plan[0].Key].Id).Started);
        Assert.True(merged.MarkRunning(trials[plan[0].Key].Id));   // resumable after the merge
        Assert.Null(merged.TrialTimes(trials[plan[1].Key].Id).Started);
        Assert.False(merged.MarkRunning(trials[plan[1].Key].Id));  // still a fresh start
    }
}
