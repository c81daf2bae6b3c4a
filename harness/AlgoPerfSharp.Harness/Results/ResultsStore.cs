using System.Globalization;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Harness.Rulesets;
using Microsoft.Data.Sqlite;

namespace AlgoPerfSharp.Harness.Results;

/// <summary>
/// The SQLite results database (WAL mode) holding runs, trials and eval rows. Every write is its own transaction, so a
/// process killed mid-trial loses nothing already recorded. The schema is versioned (<see cref="SchemaVersion"/>);
/// older databases are migrated on open, newer ones are refused with a clear message. One writer per database file;
/// readers may run concurrently (WAL).
/// </summary>
public sealed class ResultsStore : IDisposable
{
    /// <summary>The schema version this code writes.</summary>
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly SqliteConnection _db;

    private ResultsStore(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed and allowed) and migrates <paramref name="path"/>.</summary>
    public static ResultsStore Open(string path, bool create = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!create && !File.Exists(path))
        {
            throw new ResultsStoreException($"results database {path} does not exist (run `algoperf run` or `algoperf sweep` first, or pass --db)");
        }

        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        try
        {
            db.Open();
            Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;");
            var store = new ResultsStore(path, db);
            store.Migrate();
            return store;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new ResultsStoreException($"{path} is not a usable results database: {e.Message}", e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private void Migrate()
    {
        Exec(_db, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);");
        int version = int.Parse(Scalar("SELECT value FROM meta WHERE key = 'schema_version'") ?? "0", CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new ResultsStoreException(
                $"{Path} has schema version {version}, newer than this AlgoPerfSharp understands ({SchemaVersion}); upgrade AlgoPerfSharp to read it");
        }

        if (version < 1)
        {
            using var tx = _db.BeginTransaction();
            Exec(_db, """
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
                """, tx);
            Exec(_db, $"INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '{SchemaVersion}');", tx);
            tx.Commit();
        }
    }

    /// <summary>Creates a run; the label must be new in this database.</summary>
    public StoredRun CreateRun(string label, string command, ulong sweepSeed, string environmentJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        if (FindRun(label) is not null) throw new ResultsStoreException($"{Path} already has a run labelled '{label}'");
        var now = DateTime.UtcNow;
        using var cmd = Command("INSERT INTO runs (label, created_utc, command, sweep_seed, environment_json) VALUES ($l, $c, $cmd, $s, $e) RETURNING id;");
        cmd.Parameters.AddWithValue("$l", label);
        cmd.Parameters.AddWithValue("$c", now.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$cmd", command);
        cmd.Parameters.AddWithValue("$s", sweepSeed.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$e", environmentJson);
        long id = (long)cmd.ExecuteScalar()!;
        return new StoredRun(id, label, now, command, sweepSeed, environmentJson);
    }

    /// <summary>The run with <paramref name="label"/>, or null.</summary>
    public StoredRun? FindRun(string label) => Runs().FirstOrDefault(r => r.Label == label);

    /// <summary>All runs, oldest first.</summary>
    public IReadOnlyList<StoredRun> Runs()
    {
        using var cmd = Command("SELECT id, label, created_utc, command, sweep_seed, environment_json FROM runs ORDER BY id;");
        using var r = cmd.ExecuteReader();
        var list = new List<StoredRun>();
        while (r.Read())
        {
            list.Add(new StoredRun(r.GetInt64(0), r.GetString(1), DateTime.Parse(r.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                r.GetString(3), ulong.Parse(r.GetString(4), CultureInfo.InvariantCulture), r.GetString(5)));
        }

        return list;
    }

    /// <summary>Records the scoring-relevant constants of a workload as the run used them (targets, direction, budget).</summary>
    public void RecordWorkloadSpec(long runId, StoredWorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var cmd = Command("INSERT OR REPLACE INTO workload_specs (run_id, workload, spec_json) VALUES ($r, $w, $j);");
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$w", spec.Name);
        cmd.Parameters.AddWithValue("$j", JsonSerializer.Serialize(spec, Json));
        cmd.ExecuteNonQuery();
    }

    /// <summary>The workload constants recorded for a run.</summary>
    public IReadOnlyList<StoredWorkloadSpec> WorkloadSpecs(long runId)
    {
        using var cmd = Command("SELECT spec_json FROM workload_specs WHERE run_id = $r ORDER BY workload;");
        cmd.Parameters.AddWithValue("$r", runId);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredWorkloadSpec>();
        while (r.Read()) list.Add(JsonSerializer.Deserialize<StoredWorkloadSpec>(r.GetString(0), Json)!);
        return list;
    }

    /// <summary>Adds the trial if the run does not have it yet; returns the stored trial either way.</summary>
    public StoredTrial EnsureTrial(long runId, TrialSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using (var cmd = Command("""
            INSERT OR IGNORE INTO trials (run_id, key, workload, algorithm, ruleset, study, trial, hyperparameters_json,
              data_seed, init_seed, algorithm_seed, budget_multiplier, state)
            VALUES ($run, $key, $w, $a, $rs, $s, $t, $h, $ds, $is, $as, $b, 'Pending');
            """))
        {
            cmd.Parameters.AddWithValue("$run", runId);
            cmd.Parameters.AddWithValue("$key", spec.Key);
            cmd.Parameters.AddWithValue("$w", spec.Workload);
            cmd.Parameters.AddWithValue("$a", spec.Algorithm);
            cmd.Parameters.AddWithValue("$rs", spec.Ruleset == Ruleset.External ? "external" : "self");
            cmd.Parameters.AddWithValue("$s", spec.Study);
            cmd.Parameters.AddWithValue("$t", spec.Trial);
            cmd.Parameters.AddWithValue("$h", JsonSerializer.Serialize(spec.Hyperparameters.Values, Json));
            cmd.Parameters.AddWithValue("$ds", spec.DataSeed.ToString(CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$is", spec.InitSeed.ToString(CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$as", spec.AlgorithmSeed.ToString(CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$b", spec.BudgetMultiplier);
            cmd.ExecuteNonQuery();
        }

        return Trials(runId).Single(t => t.Key == spec.Key);
    }

    /// <summary>The trials of a run, in key order.</summary>
    public IReadOnlyList<StoredTrial> Trials(long runId)
    {
        using var cmd = Command("""
            SELECT id, run_id, key, workload, algorithm, ruleset, study, trial, hyperparameters_json, data_seed, init_seed,
                   algorithm_seed, budget_multiplier, state, error, steps, submission_seconds, median_step_seconds
            FROM trials WHERE run_id = $run ORDER BY key;
            """);
        cmd.Parameters.AddWithValue("$run", runId);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredTrial>();
        while (r.Read())
        {
            list.Add(new StoredTrial(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetInt32(6), r.GetInt32(7), r.GetString(8), ulong.Parse(r.GetString(9), CultureInfo.InvariantCulture),
                ulong.Parse(r.GetString(10), CultureInfo.InvariantCulture), ulong.Parse(r.GetString(11), CultureInfo.InvariantCulture),
                r.GetDouble(12), Enum.Parse<TrialState>(r.GetString(13)), r.IsDBNull(14) ? null : r.GetString(14),
                r.GetInt64(15), r.GetDouble(16), r.GetDouble(17)));
        }

        return list;
    }

    /// <summary>When a trial first started and when it finished (UTC, ISO 8601), or null.</summary>
    public (string? Started, string? Finished) TrialTimes(long trialId)
    {
        using var cmd = Command("SELECT started_utc, finished_utc FROM trials WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", trialId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return (null, null);
        return (r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1));
    }

    /// <summary>Marks a trial as running (recording the start time the first time); returns true when it had started before (a resume).</summary>
    public bool MarkRunning(long trialId)
    {
        bool startedBefore;
        using (var query = Command("SELECT started_utc IS NOT NULL FROM trials WHERE id = $id;"))
        {
            query.Parameters.AddWithValue("$id", trialId);
            startedBefore = Convert.ToInt64(query.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture) != 0;
        }

        using var cmd = Command("UPDATE trials SET state = 'Running', started_utc = COALESCE(started_utc, $now) WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", trialId);
        cmd.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
        return startedBefore;
    }

    /// <summary>Records one eval row (its own transaction). Replaces a row at the same step (a resumed trial re-evaluating).</summary>
    public void AppendEval(long trialId, StoredEval row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var cmd = Command("""
            INSERT OR REPLACE INTO evals (trial_id, step, submission_seconds, eval_seconds, logging_seconds, total_seconds, metrics_json, diagnostics_json)
            VALUES ($t, $s, $sub, $ev, $log, $tot, $m, $d);
            """);
        cmd.Parameters.AddWithValue("$t", trialId);
        cmd.Parameters.AddWithValue("$s", row.Step);
        cmd.Parameters.AddWithValue("$sub", row.SubmissionSeconds);
        cmd.Parameters.AddWithValue("$ev", row.EvalSeconds);
        cmd.Parameters.AddWithValue("$log", row.LoggingSeconds);
        cmd.Parameters.AddWithValue("$tot", row.TotalSeconds);
        cmd.Parameters.AddWithValue("$m", SerializeNumbers(row.Metrics));
        cmd.Parameters.AddWithValue("$d", SerializeNumbers(row.Diagnostics));
        cmd.ExecuteNonQuery();
    }

    /// <summary>The eval rows of a trial in step order.</summary>
    public IReadOnlyList<StoredEval> Evals(long trialId)
    {
        using var cmd = Command("SELECT step, submission_seconds, eval_seconds, logging_seconds, total_seconds, metrics_json, diagnostics_json FROM evals WHERE trial_id = $t ORDER BY step;");
        cmd.Parameters.AddWithValue("$t", trialId);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredEval>();
        while (r.Read())
        {
            list.Add(new StoredEval(r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4),
                DeserializeNumbers(r.GetString(5)), DeserializeNumbers(r.GetString(6))));
        }

        return list;
    }

    /// <summary>Deletes eval rows after <paramref name="step"/> (resuming from a checkpoint taken at that step).</summary>
    public void DeleteEvalsAfter(long trialId, long step)
    {
        using var cmd = Command("DELETE FROM evals WHERE trial_id = $t AND step > $s;");
        cmd.Parameters.AddWithValue("$t", trialId);
        cmd.Parameters.AddWithValue("$s", step);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Records the end of a trial.</summary>
    public void FinishTrial(long trialId, TrialState state, string? error, long steps, double submissionSeconds, double medianStepSeconds)
    {
        using var cmd = Command("""
            UPDATE trials SET state = $st, error = $e, steps = $n, submission_seconds = $sub, median_step_seconds = $med, finished_utc = $now
            WHERE id = $id;
            """);
        cmd.Parameters.AddWithValue("$id", trialId);
        cmd.Parameters.AddWithValue("$st", state.ToString());
        cmd.Parameters.AddWithValue("$e", (object?)error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", steps);
        cmd.Parameters.AddWithValue("$sub", submissionSeconds);
        cmd.Parameters.AddWithValue("$med", medianStepSeconds);
        cmd.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Writes AlgoPerf's <c>eval_measurements.csv</c> for a trial: global_step, score (= submission seconds),
    /// total_duration, accumulated_submission_time, accumulated_eval_time, accumulated_logging_time, then one column per
    /// metric (sorted), so AlgoPerf's own scoring scripts can read our runs; then one <c>diagnostics/&lt;name&gt;</c> column
    /// per algorithm diagnostic (sorted).
    /// </summary>
    public void ExportAlgoPerfCsv(long trialId, string path)
    {
        var rows = Evals(trialId);
        var metricNames = rows.SelectMany(r => r.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var diagnosticNames = rows.SelectMany(r => r.Diagnostics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.Append("global_step,score,total_duration,accumulated_submission_time,accumulated_eval_time,accumulated_logging_time");
        foreach (var m in metricNames) sb.Append(',').Append(m);
        foreach (var d in diagnosticNames) sb.Append(",diagnostics/").Append(d);
        sb.Append('\n');
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Step},{F(r.SubmissionSeconds)},{F(r.TotalSeconds)},{F(r.SubmissionSeconds)},{F(r.EvalSeconds)},{F(r.LoggingSeconds)}");
            foreach (var m in metricNames) sb.Append(',').Append(r.Metrics.TryGetValue(m, out double v) ? F(v) : string.Empty);
            foreach (var d in diagnosticNames) sb.Append(',').Append(r.Diagnostics.TryGetValue(d, out double v) ? F(v) : string.Empty);
            sb.Append('\n');
        }

        string tmp = path + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Copies every run of <paramref name="sources"/> (shard databases) into this store. Runs with the same label are
    /// combined: a trial already present (same key) is kept unless the incoming one progressed further.
    /// </summary>
    public void MergeFrom(IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (string src in sources)
        {
            using var other = Open(src, create: false);
            foreach (var run in other.Runs())
            {
                var target = FindRun(run.Label) ?? CreateRun(run.Label, run.Command, run.SweepSeed, run.EnvironmentJson);
                if (target.SweepSeed != run.SweepSeed)
                {
                    throw new ResultsStoreException($"cannot merge run '{run.Label}' from {src}: sweep seed {run.SweepSeed} differs from {target.SweepSeed} in {Path}");
                }

                foreach (var ws in other.WorkloadSpecs(run.Id)) RecordWorkloadSpec(target.Id, ws);
                var existing = Trials(target.Id).ToDictionary(t => t.Key, StringComparer.Ordinal);
                foreach (var t in other.Trials(run.Id))
                {
                    if (existing.TryGetValue(t.Key, out var mine) && !(Rank(t.State) > Rank(mine.State) || (t.State == mine.State && t.Steps > mine.Steps)))
                    {
                        continue;
                    }

                    using var tx = _db.BeginTransaction();
                    if (mine is not null)
                    {
                        Exec(_db, $"DELETE FROM evals WHERE trial_id = {mine.Id}; DELETE FROM trials WHERE id = {mine.Id};", tx);
                    }

                    using (var cmd = Command("""
                        INSERT INTO trials (run_id, key, workload, algorithm, ruleset, study, trial, hyperparameters_json, data_seed, init_seed,
                          algorithm_seed, budget_multiplier, state, error, steps, submission_seconds, median_step_seconds)
                        VALUES ($run, $key, $w, $a, $rs, $s, $t, $h, $ds, $is, $as, $b, $st, $e, $n, $sub, $med);
                        """, tx))
                    {
                        cmd.Parameters.AddWithValue("$run", target.Id);
                        cmd.Parameters.AddWithValue("$key", t.Key);
                        cmd.Parameters.AddWithValue("$w", t.Workload);
                        cmd.Parameters.AddWithValue("$a", t.Algorithm);
                        cmd.Parameters.AddWithValue("$rs", t.Ruleset);
                        cmd.Parameters.AddWithValue("$s", t.Study);
                        cmd.Parameters.AddWithValue("$t", t.Trial);
                        cmd.Parameters.AddWithValue("$h", t.HyperparametersJson);
                        cmd.Parameters.AddWithValue("$ds", t.DataSeed.ToString(CultureInfo.InvariantCulture));
                        cmd.Parameters.AddWithValue("$is", t.InitSeed.ToString(CultureInfo.InvariantCulture));
                        cmd.Parameters.AddWithValue("$as", t.AlgorithmSeed.ToString(CultureInfo.InvariantCulture));
                        cmd.Parameters.AddWithValue("$b", t.BudgetMultiplier);
                        cmd.Parameters.AddWithValue("$st", t.State.ToString());
                        cmd.Parameters.AddWithValue("$e", (object?)t.Error ?? DBNull.Value);
                        cmd.Parameters.AddWithValue("$n", t.Steps);
                        cmd.Parameters.AddWithValue("$sub", t.SubmissionSeconds);
                        cmd.Parameters.AddWithValue("$med", t.MedianStepSeconds);
                        cmd.ExecuteNonQuery();
                    }

                    long newId = (long)Command("SELECT last_insert_rowid();", tx).ExecuteScalar()!;
                    // The start/finish times travel too: a started trial must stay resumable from its checkpoint
                    // (TrialRunner discards checkpoints of trials the database has never started).
                    var (started, finished) = other.TrialTimes(t.Id);
                    using (var times = Command("UPDATE trials SET started_utc = $s, finished_utc = $f WHERE id = $id;", tx))
                    {
                        times.Parameters.AddWithValue("$s", (object?)started ?? DBNull.Value);
                        times.Parameters.AddWithValue("$f", (object?)finished ?? DBNull.Value);
                        times.Parameters.AddWithValue("$id", newId);
                        times.ExecuteNonQuery();
                    }

                    foreach (var e in other.Evals(t.Id))
                    {
                        using var ins = Command("""
                            INSERT INTO evals (trial_id, step, submission_seconds, eval_seconds, logging_seconds, total_seconds, metrics_json, diagnostics_json)
                            VALUES ($t, $s, $sub, $ev, $log, $tot, $m, $d);
                            """, tx);
                        ins.Parameters.AddWithValue("$t", newId);
                        ins.Parameters.AddWithValue("$s", e.Step);
                        ins.Parameters.AddWithValue("$sub", e.SubmissionSeconds);
                        ins.Parameters.AddWithValue("$ev", e.EvalSeconds);
                        ins.Parameters.AddWithValue("$log", e.LoggingSeconds);
                        ins.Parameters.AddWithValue("$tot", e.TotalSeconds);
                        ins.Parameters.AddWithValue("$m", SerializeNumbers(e.Metrics));
                        ins.Parameters.AddWithValue("$d", SerializeNumbers(e.Diagnostics));
                        ins.ExecuteNonQuery();
                    }

                    tx.Commit();
                }
            }
        }
    }

    private static int Rank(TrialState s) => s switch
    {
        TrialState.Pending => 0,
        TrialState.Running => 1,
        TrialState.Interrupted => 2,
        _ => 3,
    };

    /// <summary>Closes the database.</summary>
    public void Dispose() => _db.Dispose();

    private static string F(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);

    // JSON has no NaN/∞; numbers are stored as strings so diverged metrics survive the round trip.
    private static string SerializeNumbers(IReadOnlyDictionary<string, double> values) =>
        JsonSerializer.Serialize(values.ToDictionary(kv => kv.Key, kv => F(kv.Value)), Json);

    private static Dictionary<string, double> DeserializeNumbers(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json)!.ToDictionary(
            kv => kv.Key,
            kv => kv.Value switch
            {
                "nan" => double.NaN,
                "inf" => double.PositiveInfinity,
                "-inf" => double.NegativeInfinity,
                var s => double.Parse(s, CultureInfo.InvariantCulture),
            });

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private string? Scalar(string sql)
    {
        using var cmd = Command(sql);
        return cmd.ExecuteScalar() as string;
    }

    private static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }
}
