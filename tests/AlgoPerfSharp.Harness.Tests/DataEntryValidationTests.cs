using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Resume, merge and checkpoints check what they take in: the trial's full spec, the workload's constants, the checkpoint's counters.</summary>
public sealed class DataEntryValidationTests : ScratchFolder
{
    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static StoredWorkloadSpec Spec(string preset, double target) =>
        new("w1", "validation/error_rate", target, "test/error_rate", target, true, preset == "tiny" ? 20 : 120, null, preset);

    private static TrialSpec Trial(double lr = 0.01, ulong dataSeed = 1) =>
        new("w1", "adamw", TuningRuleset.ExternalTuning, 0, 0, new Hyperparameters(new Dictionary<string, object> { ["learning_rate"] = lr }), dataSeed, 2, 3, 1.0);

    [Fact]
    public void ReRunningARunAtAnotherPresetIsRefusedEvenWhenItsTrialsAreDone()
    {
        string[] Args(string preset) => ["run", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", "self", "--in-process", "--preset", preset,
            "--db", P("r.db"), "--checkpoints", P("ck"), "--eval-every-steps", "5", "--max-steps", "20"];
        var tiny = Args("tiny");
        Assert.Equal(0, HostedCli.Run([.. tiny[..^2], "--max-steps", "10"]).Code); // a shorter first run: the trial completes at step 10
        var before = HostedCli.Trials(P("r.db"), "run").Single();
        Assert.Equal(TrialState.Completed, before.Trial.State);
        var (code, _, err) = HostedCli.Run(Args("cpu"));
        Assert.Equal(2, code);
        Assert.Contains("run 'run' in " + P("r.db") + " ran workload synthetic_regression with other constants: the preset differs (tiny vs cpu)", err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Equal(before.Trial, HostedCli.Trials(P("r.db"), "run").Single().Trial);

        // the tiny command is still accepted on that run (its trial is done: nothing to run)
        Assert.Equal(0, HostedCli.Run(tiny).Code);
        Assert.Equal(before.Evals.Count, HostedCli.Trials(P("r.db"), "run").Single().Evals.Count);
    }

    [Fact]
    public void EnsureTrialRefusesOtherHyperparametersSeedsOrBudgetForAKnownKey()
    {
        using var store = ResultsStore.Open(P("t.db"));
        var run = store.CreateRun("r", "test", 1, "{}");
        long id = store.EnsureTrial(run.Id, Trial()).Id;
        Assert.Equal(id, store.EnsureTrial(run.Id, Trial()).Id);
        var e = Assert.Throws<ResultsStoreException>(() => store.EnsureTrial(run.Id, Trial(lr: 0.02)));
        Assert.Contains("already has trial w1/adamw/external/study0/trial0 with other settings (hyperparameters {\"learning_rate\":0.01}, not {\"learning_rate\":0.02})", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ResultsStoreException>(() => store.EnsureTrial(run.Id, Trial(dataSeed: 9)));
        Assert.Contains("(seeds 1/2/3, not 9/2/3)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ResultsStoreException>(() => store.EnsureTrial(run.Id, Trial() with { BudgetMultiplier = 1.5 }));
        Assert.Contains("(budget multiplier 1, not 1.5)", e.Message, StringComparison.Ordinal);

        store.RecordWorkloadSpec(run.Id, Spec("tiny", 0.5));
        store.RecordWorkloadSpec(run.Id, Spec("tiny", 0.5)); // the same again: fine
        e = Assert.Throws<ResultsStoreException>(() => store.RecordWorkloadSpec(run.Id, Spec("tiny", 0.4)));
        Assert.Contains("the validation target differs (validation/error_rate ≤ 0.5 vs ≤ 0.4)", e.Message, StringComparison.Ordinal);
    }

    private string Shard(string name, string preset, double target, ulong seed = 7, string label = "sweep", double reach = 10)
    {
        string db = P(name);
        using var store = ResultsStore.Open(db);
        var run = store.FindRun(label) ?? store.CreateRun(label, "sweep", seed, "{}");
        store.RecordWorkloadSpec(run.Id, Spec(preset, target));
        var t = store.EnsureTrial(run.Id, Trial());
        store.AppendEval(t.Id, new StoredEval(10, reach, 0, 0, reach, new Dictionary<string, double> { ["validation/error_rate"] = 0.4 }, new Dictionary<string, double>()));
        store.FinishTrial(t.Id, TrialState.Completed, null, 10, reach, 0.01);
        return db;
    }

    [Fact]
    public void TinyAndQuickShardsDoNotMergeAndARefusedMergeWritesNothing()
    {
        string target = Shard("target.db", "tiny", 0.5);
        // a source whose first run merges cleanly and whose second is another preset: today's code wrote the first
        string source = Shard("quick.db", "tiny", 0.5, label: "extra", reach: 20);
        Shard("quick.db", "quick", 0.3, label: "sweep");
        SqliteConnection.ClearAllPools();
        string before = Hash(target);

        var (code, _, err) = HostedCli.Run("merge", "--db", target, source);
        Assert.Equal(2, code);
        Assert.Contains($"cannot merge run 'sweep' from {source} into {target}: workload w1 was run with other constants: the preset differs (tiny vs quick); nothing was merged", err, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, Hash(target));
        using var store = ResultsStore.OpenReadOnly(target);
        Assert.Equal(["sweep"], store.Runs().Select(r => r.Label));

        // merged into a database that did not exist: refused, and no empty file is left behind
        var fresh = HostedCli.Run("merge", "--db", P("fresh.db"), target, source); // the second shard conflicts with the first
        Assert.Equal(2, fresh.Code);
        Assert.False(File.Exists(P("fresh.db")));
    }

    [Fact]
    public void MergeReadsColumnsByName()
    {
        // A shard whose tables list their columns in another order (as a differently built or migrated file may).
        string src = P("reordered.db");
        using (var c = new SqliteConnection($"Data Source={src};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE meta (value TEXT NOT NULL, key TEXT PRIMARY KEY);
                INSERT INTO meta (key, value) VALUES ('schema_version', '1');
                CREATE TABLE runs (environment_json TEXT NOT NULL, sweep_seed TEXT NOT NULL, command TEXT NOT NULL, created_utc TEXT NOT NULL,
                  label TEXT NOT NULL UNIQUE, id INTEGER PRIMARY KEY);
                CREATE TABLE trials (finished_utc TEXT, started_utc TEXT, median_step_seconds REAL NOT NULL DEFAULT 0,
                  submission_seconds REAL NOT NULL DEFAULT 0, steps INTEGER NOT NULL DEFAULT 0, error TEXT, state TEXT NOT NULL,
                  budget_multiplier REAL NOT NULL, algorithm_seed TEXT NOT NULL, init_seed TEXT NOT NULL, data_seed TEXT NOT NULL,
                  hyperparameters_json TEXT NOT NULL, trial INTEGER NOT NULL, study INTEGER NOT NULL, ruleset TEXT NOT NULL,
                  algorithm TEXT NOT NULL, workload TEXT NOT NULL, key TEXT NOT NULL, run_id INTEGER NOT NULL, id INTEGER PRIMARY KEY);
                CREATE TABLE evals (diagnostics_json TEXT NOT NULL, metrics_json TEXT NOT NULL, total_seconds REAL NOT NULL,
                  logging_seconds REAL NOT NULL, eval_seconds REAL NOT NULL, submission_seconds REAL NOT NULL, step INTEGER NOT NULL,
                  trial_id INTEGER NOT NULL, PRIMARY KEY (trial_id, step));
                CREATE TABLE workload_specs (spec_json TEXT NOT NULL, workload TEXT NOT NULL, run_id INTEGER NOT NULL, PRIMARY KEY (run_id, workload));
                INSERT INTO runs (id, label, created_utc, command, sweep_seed, environment_json) VALUES (1, 'sweep', '2026-12-01T00:00:00.0000000Z', 'sweep', '7', '{}');
                INSERT INTO trials (id, run_id, key, workload, algorithm, ruleset, study, trial, hyperparameters_json, data_seed, init_seed,
                  algorithm_seed, budget_multiplier, state, error, steps, submission_seconds, median_step_seconds, started_utc, finished_utc)
                VALUES (1, 1, 'w1/adamw/external/study0/trial0', 'w1', 'adamw', 'external', 0, 0, '{"learning_rate":0.01}', '1', '2', '3', 1.0,
                  'Completed', NULL, 40, 12.5, 0.02, '2026-12-01T00:00:01Z', '2026-12-01T00:00:02Z');
                INSERT INTO evals (trial_id, step, submission_seconds, eval_seconds, logging_seconds, total_seconds, metrics_json, diagnostics_json)
                VALUES (1, 40, 12.5, 3.25, 0.5, 16.75, '{"validation/error_rate":"0.25"}', '{"refreshes":"4"}');
                """;
            cmd.ExecuteNonQuery();
        }

        using var store = ResultsStore.Open(P("merged.db"));
        ResultsMerge.Into(store, [src]);
        var t = Assert.Single(store.Trials(store.FindRun("sweep")!.Id));
        Assert.Equal((40L, 12.5, 0.02, TrialState.Completed, 1UL, 2UL, 3UL), (t.Steps, t.SubmissionSeconds, t.MedianStepSeconds, t.State, t.DataSeed, t.InitSeed, t.AlgorithmSeed));
        Assert.Equal(("2026-12-01T00:00:01Z", "2026-12-01T00:00:02Z"), store.TrialTimes(t.Id));
        var e = Assert.Single(store.Evals(t.Id));
        Assert.Equal((40L, 12.5, 3.25, 0.5, 16.75, 0.25, 4.0), (e.Step, e.SubmissionSeconds, e.EvalSeconds, e.LoggingSeconds, e.TotalSeconds, e.Metrics["validation/error_rate"], e.Diagnostics["refreshes"]));
    }

    [Fact]
    public void CheckpointCountersThatCannotBeResumedAreNamed()
    {
        EvalRecord At(long step) => new(step, step * 0.1, new Dictionary<string, double>());
        var ok = new TrialCounters(20, 2, 1, 0.5, 2, 21, [At(10), At(20)], [.. Enumerable.Repeat(0.1, 20)]);
        Assert.Null(TrialCheckpoint.Problem(ok));
        Assert.Equal("its step -3 is negative", TrialCheckpoint.Problem(ok with { Step = -3 }));
        Assert.Equal("its step 15 is before its last recorded eval (step 20)", TrialCheckpoint.Problem(ok with { Step = 15 }));
        Assert.Equal("its eval history is out of order (step 10 after 20)", TrialCheckpoint.Problem(ok with { History = [At(20), At(10)] }));
        Assert.Equal("its next batch index -1 is negative", TrialCheckpoint.Problem(ok with { NextBatchIndex = -1 }));
        Assert.Equal("its submission time NaN s is not a finite time ≥ 0", TrialCheckpoint.Problem(ok with { SubmissionSeconds = double.NaN }));
    }

    [Fact]
    public void ACheckpointWithANegativeStepIsRefusedWithOneLineAndNoRowIsLost()
    {
        string[] args = ["run", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", "self", "--in-process", "--db", P("c.db"),
            "--checkpoints", P("ck"), "--eval-every-steps", "5", "--max-steps", "10"];
        Assert.Equal(0, HostedCli.Run(args).Code);
        // Make the finished trial resumable again with a doctored checkpoint (as a hand edit or a bad disk would leave it).
        using (var c = new SqliteConnection($"Data Source={P("c.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE trials SET state = 'Interrupted';";
            cmd.ExecuteNonQuery();
        }

        var rows = HostedCli.Trials(P("c.db"), "run").Single().Evals;
        Assert.Equal([5L, 10L], rows.Select(r => r.Step));
        string json = Directory.GetFiles(P("ck"), "trial.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(json, Regex.Replace(File.ReadAllText(json), "\"Step\": \\d+", "\"Step\": -3"));

        var (code, _, err) = HostedCli.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("trial.json cannot be resumed: its step -3 is negative; delete", err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Equal(HostedCli.Timeless(rows), HostedCli.Timeless(HostedCli.Trials(P("c.db"), "run").Single().Evals));
    }

    [Fact]
    public void AnInProcessSaveStateExceptionFailsItsTrialWithOneLineAndTheSweepGoesOn()
    {
        using var store = ResultsStore.Open(P("s.db"));
        var request = new SweepRequest("s", ["tiny_regression"], ["scripted"], TuningRuleset.ExternalTuning, Studies: 1, Trials: 2, 3, null, 0, 1,
            new TrialRunnerOptions { MaxSteps = 20, EvalEverySteps = 10, CheckpointDirectory = P("ck"), CheckpointIntervalSeconds = 0 });
        var summary = new SweepRunner(store, _ => new TinyWorkload(target: -1), _ => new ScriptedAlgorithm(saveStateThrows: true), new StringWriter())
            .Run(request, "test", "{}");
        Assert.Equal(2, summary.Ran);
        var trials = store.Trials(summary.RunId);
        Assert.Equal(2, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Failed, t.State);
            Assert.Equal("scripted.SaveState threw InvalidOperationException at step 10: state\uFFFD[31m cannot be saved", t.Error);
            Assert.Equal([10L], store.Evals(t.Id).Select(e => e.Step));
        }
    }

    [Fact]
    public void ARunIsNotResumedOrMergedWithAnotherBuildOfItsAlgorithm()
    {
        using (var store = ResultsStore.Open(P("v.db")))
        {
            var run = store.CreateRun("r", "test", 1, "{}");
            store.RecordAlgorithmVersion(run.Id, "adamw", "AlgoPerfSharp.Optimizers.dll sha256:0000000000000001");
            store.RecordAlgorithmVersion(run.Id, "adamw", "AlgoPerfSharp.Optimizers.dll sha256:0000000000000001"); // the same build: fine
            var e = Assert.Throws<ResultsStoreException>(() => store.RecordAlgorithmVersion(run.Id, "adamw", "AlgoPerfSharp.Optimizers.dll sha256:0000000000000002"));
            Assert.Contains("trained adamw as AlgoPerfSharp.Optimizers.dll sha256:0000000000000001, but this build is AlgoPerfSharp.Optimizers.dll sha256:0000000000000002", e.Message, StringComparison.Ordinal);
        }

        // a sweep records the real build, and a shard of the same run trained with another build does not merge
        string[] Args(string db) => ["run", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", "self", "--in-process", "--preset", "tiny",
            "--db", P(db), "--label", "r", "--max-steps", "5", "--eval-every-steps", "5"];
        Assert.Equal(0, HostedCli.Run(Args("a.db")).Code);
        Assert.Equal(0, HostedCli.Run(Args("b.db")).Code);
        string built;
        using (var a = ResultsStore.OpenReadOnly(P("a.db")))
        {
            built = a.AlgorithmVersions(a.FindRun("r")!.Id)["adamw"];
        }

        Assert.Equal(AlgoPerfSharp.Harness.Plugins.AlgorithmIdentity.Of(new AlgoPerfSharp.Optimizers.Algorithms.AdamW()), built);
        Assert.StartsWith("AlgoPerfSharp.Optimizers.dll sha256:", built, StringComparison.Ordinal);
        using (var b = new SqliteConnection($"Data Source={P("b.db")};Pooling=false"))
        {
            b.Open();
            using var cmd = b.CreateCommand();
            cmd.CommandText = "UPDATE algorithm_versions SET version = 'AlgoPerfSharp.Optimizers.dll sha256:ffffffffffffffff';";
            cmd.ExecuteNonQuery();
        }

        string before = Hash(P("a.db"));
        var (code, _, err) = HostedCli.Run("merge", "--db", P("a.db"), P("b.db"));
        Assert.Equal(2, code);
        Assert.Contains("adamw was trained as AlgoPerfSharp.Optimizers.dll sha256:ffffffffffffffff there and as " + built + " here; nothing was merged", err, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, Hash(P("a.db")));
    }
}
