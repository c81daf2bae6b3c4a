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
        Assert.Null(RetiredValues(Db())); // schema 3's retired columns are never added to an older file
    }

    // A schema-3 file exactly as schema 3 declared it (written out here, not by the code under test): one run, one
    // finished trial, three eval rows carrying the retired CPU and probe seconds (one of them NULL, as a row without the probe).
    private void WriteSchemaThreeDatabase(string path)
    {
        using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE runs (
              id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, created_utc TEXT NOT NULL, command TEXT NOT NULL,
              sweep_seed TEXT NOT NULL, environment_json TEXT NOT NULL);
            CREATE TABLE trials (
              id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), key TEXT NOT NULL,
              workload TEXT NOT NULL, algorithm TEXT NOT NULL, ruleset TEXT NOT NULL, study INTEGER NOT NULL,
              trial INTEGER NOT NULL, hyperparameters_json TEXT NOT NULL, data_seed TEXT NOT NULL, init_seed TEXT NOT NULL,
              algorithm_seed TEXT NOT NULL, budget_multiplier REAL NOT NULL, state TEXT NOT NULL, error TEXT,
              steps INTEGER NOT NULL DEFAULT 0, submission_seconds REAL NOT NULL DEFAULT 0,
              median_step_seconds REAL NOT NULL DEFAULT 0, started_utc TEXT, finished_utc TEXT,
              UNIQUE (run_id, key));
            CREATE TABLE evals (
              trial_id INTEGER NOT NULL REFERENCES trials(id), step INTEGER NOT NULL,
              submission_seconds REAL NOT NULL, eval_seconds REAL NOT NULL, logging_seconds REAL NOT NULL,
              total_seconds REAL NOT NULL, metrics_json TEXT NOT NULL, diagnostics_json TEXT NOT NULL,
              PRIMARY KEY (trial_id, step));
            CREATE TABLE workload_specs (
              run_id INTEGER NOT NULL REFERENCES runs(id), workload TEXT NOT NULL, spec_json TEXT NOT NULL,
              PRIMARY KEY (run_id, workload));
            CREATE TABLE algorithm_versions (run_id INTEGER NOT NULL REFERENCES runs(id), algorithm TEXT NOT NULL,
              version TEXT NOT NULL, PRIMARY KEY (run_id, algorithm));
            ALTER TABLE evals ADD COLUMN submission_cpu_seconds REAL;
            ALTER TABLE evals ADD COLUMN probe_seconds REAL;
            INSERT INTO meta VALUES ('schema_version', '3');
            INSERT INTO runs VALUES (1, 'noise-idle-1', '2026-12-06T20:24:00Z', 'algoperf sweep', '0', '{}');
            INSERT INTO algorithm_versions VALUES (1, 'adamw', 'v1');
            INSERT INTO trials VALUES (1, 1, 'w/adamw/s0/t0', 'w', 'adamw', 'self', 0, 0, '{}', '1', '2', '3', 1.0,
              'Completed', NULL, 30, 4.5, 0.125, '2026-12-06T20:24:01Z', '2026-12-06T20:24:09Z');
            INSERT INTO evals VALUES
              (1, 10, 1.5, 0.25, 0.01, 2.0, '{"validation/error_rate":"0.5"}', '{}', 3.0, 0.003),
              (1, 20, 3.0, 0.5, 0.02, 4.0, '{"validation/error_rate":"0.375"}', '{}', 6.25, NULL),
              (1, 30, 4.5, 0.75, 0.03, 6.0, '{"validation/error_rate":"0.25"}', '{}', 9.5, 0.0045);
            """;
        cmd.ExecuteNonQuery();
    }

    // (step, submission_cpu_seconds, probe_seconds) of every eval row of a file, by SQL; null when it has no such columns.
    private static List<(long, double?, double?)>? RetiredValues(string path)
    {
        using var raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        raw.Open();
        using var has = raw.CreateCommand();
        has.CommandText = "SELECT COUNT(*) FROM pragma_table_info('evals') WHERE name IN ('submission_cpu_seconds', 'probe_seconds');";
        if ((long)has.ExecuteScalar()! == 0) return null;
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "SELECT step, submission_cpu_seconds, probe_seconds FROM evals ORDER BY trial_id, step;";
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, double?, double?)>();
        while (r.Read()) rows.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetDouble(1), r.IsDBNull(2) ? null : r.GetDouble(2)));
        return rows;
    }

    private static string StoredVersion(string path)
    {
        using var raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema_version';";
        return (string)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void ASchemaThreeDatabaseIsReadMergedAndMigratedLosingNoneOfItsRetiredColumns()
    {
        string old = Db("schema3.db");
        WriteSchemaThreeDatabase(old);
        List<(long, double?, double?)> recorded = [(10, 3.0, 0.003), (20, 6.25, null), (30, 9.5, 0.0045)];

        // read-only: read as it is, nothing changed
        using (var store = ResultsStore.OpenReadOnly(old))
        {
            var run = Assert.Single(store.Runs());
            var trial = Assert.Single(store.Trials(run.Id));
            Assert.Equal((TrialState.Completed, 30L, 4.5), (trial.State, trial.Steps, trial.SubmissionSeconds));
            var rows = store.Evals(trial.Id);
            Assert.Equal([10L, 20L, 30L], rows.Select(r => r.Step));
            Assert.Equal([1.5, 3.0, 4.5], rows.Select(r => r.SubmissionSeconds));
            Assert.Equal([0.5, 0.375, 0.25], rows.Select(r => r.Metrics["validation/error_rate"]));
            Assert.Equal("v1", store.AlgorithmVersions(run.Id)["adamw"]);
        }

        Assert.Equal("3", StoredVersion(old));

        // merged into a fresh (schema-4) file: the rows, and the retired columns' values beside them
        using (var merged = ResultsStore.Open(Db("merged.db")))
        {
            Assert.Null(RetiredValues(Db("merged.db"))); // a fresh file has no retired columns
            ResultsMerge.Into(merged, [old]);
            ResultsMerge.Into(merged, [old]); // twice changes nothing
            var trial = Assert.Single(merged.Trials(Assert.Single(merged.Runs()).Id));
            Assert.Equal([1.5, 3.0, 4.5], merged.Evals(trial.Id).Select(r => r.SubmissionSeconds));
        }

        Assert.Equal(recorded, RetiredValues(Db("merged.db")));
        Assert.Equal("3", StoredVersion(old)); // a merge source is never written

        // opened for writing: migrated to 4, its columns and values kept; a new row leaves them NULL
        using (var store = ResultsStore.Open(old))
        {
            store.AppendEval(1, Row(40, 6.0, 0.125));
            Assert.Equal([10L, 20L, 30L, 40L], store.Evals(1).Select(r => r.Step));
        }

        Assert.Equal(ResultsSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), StoredVersion(old));
        Assert.Equal([.. recorded, (40, null, null)], RetiredValues(old));
    }

    [Fact]
    public void MergingFilesWithoutRetiredColumnsAddsNone()
    {
        var plan = SweepPlanner.Plan("w", new AdamW(), "adamw", TuningRuleset.SelfTuning, 1, 1, 1);
        using (var shard = ResultsStore.Open(Db("shard.db")))
        {
            var t = shard.EnsureTrial(shard.CreateRun("r", "c", 1, "{}").Id, plan[0]);
            shard.AppendEval(t.Id, Row(10, 1.5, 0.5));
        }

        using (var merged = ResultsStore.Open(Db("merged.db")))
        {
            ResultsMerge.Into(merged, [Db("shard.db")]);
        }

        Assert.Null(RetiredValues(Db("merged.db")));
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
