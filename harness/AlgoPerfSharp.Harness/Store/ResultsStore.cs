using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// The SQLite results database (WAL mode) holding runs, trials and eval rows. Every write is its own transaction, so a
/// process killed mid-trial loses nothing already recorded. The schema is versioned (<see cref="ResultsSchema"/>);
/// older databases are migrated on open, newer ones are refused with a clear message. One writer per database file;
/// readers may run concurrently (WAL). <see cref="OpenReadOnly"/> never changes the file (scoring, reports, merge
/// sources). An SQLite file that is not ours is refused before anything is written to it. Every read checks the type of
/// every column it reads (by name): a corrupted or hand-edited value is a <see cref="ResultsStoreException"/> naming
/// the file, never a silent zero.
/// </summary>
public sealed class ResultsStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = StoredNumbers.Json;
    private readonly SqliteConnection _db;
    private SqliteTransaction? _tx;

    private ResultsStore(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The open connection, for feature tables kept outside the versioned schema (e.g. <c>transfer_widths</c>).</summary>
    internal SqliteConnection Connection => _db;

    /// <summary>
    /// Opens for writing (creating if needed and <paramref name="create"/> allows) and migrates <paramref name="path"/>.
    /// A file that is an SQLite database but not ours is refused untouched (its journal mode is switched to WAL only once
    /// it is known to be ours).
    /// </summary>
    public static ResultsStore Open(string path, bool create = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!create && !File.Exists(path))
        {
            throw new ResultsStoreException($"results database {path} does not exist (run `algoperf run` or `algoperf sweep` first, or pass --db)");
        }

        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string connection = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString();
        return Connect(path, connection, (store, db) =>
        {
            int version = ResultsSchema.CheckOwnership(db, path);
            ResultsSchema.Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
            ResultsSchema.Migrate(db, version);
        });
    }

    // Opens the connection, lets prepare check (and migrate) it, and turns an SQLite failure into one line.
    private static ResultsStore Connect(string path, string connection, Action<ResultsStore, SqliteConnection> prepare)
    {
        var db = new SqliteConnection(connection);
        try
        {
            db.Open();
            ResultsSchema.Exec(db, "PRAGMA busy_timeout=10000;");
            var store = new ResultsStore(path, db);
            prepare(store, db);
            return store;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new ResultsStoreException(Describe(path, e), e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing database read-only (SQLite <c>Mode=ReadOnly</c>): nothing is created, migrated or switched to
    /// WAL, and a database in a read-only folder can be read. A WAL database whose folder is read-only is read as
    /// immutable when it has no pending <c>-wal</c> log; with a pending log SQLite cannot read it there (it must create
    /// the <c>-shm</c> index), which is a one-line error saying what to do.
    /// </summary>
    public static ResultsStore OpenReadOnly(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new ResultsStoreException($"results database {path} does not exist (run `algoperf run` or `algoperf sweep` first, or pass --db)");
        }

        try
        {
            return OpenReadOnlyAs(path, immutable: false);
        }
        catch (ResultsStoreException e) when (e.InnerException is SqliteException { SqliteErrorCode: CantOpen })
        {
            var wal = new FileInfo(path + "-wal");
            if (wal.Exists && wal.Length > 0)
            {
                throw new ResultsStoreException(
                    $"{path} has a pending write-ahead log ({wal.Name}) but its folder is read-only, so SQLite cannot create the {System.IO.Path.GetFileName(path)}-shm index it needs to read it; " +
                    $"copy {System.IO.Path.GetFileName(path)} and {wal.Name} to a writable folder and read the copy", e);
            }

            // No pending log: nothing can be missing, so read the file as it is without the -shm index.
            return OpenReadOnlyAs(path, immutable: true);
        }
    }

    private static ResultsStore OpenReadOnlyAs(string path, bool immutable)
    {
        string source = immutable ? new Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri + "?immutable=1" : path;
        string connection = new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        return Connect(path, connection, (_, db) =>
        {
            if (ResultsSchema.CheckOwnership(db, path) < 1)
            {
                throw new ResultsStoreException($"{path} is not an AlgoPerfSharp results database (it has no tables); pass the right --db");
            }
        });
    }

    // SQLite result codes the messages distinguish.
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int ReadOnly = 8;
    private const int NotADatabase = 26;

    /// <summary>One line saying what an SQLite failure on <paramref name="path"/> means and what to do.</summary>
    public static string Describe(string path, SqliteException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.SqliteErrorCode switch
        {
            Full => $"{path}: the disk is full ({e.Message}); free space and re-run the same command (recorded rows are kept; an unfinished trial resumes)",
            CantOpen => $"cannot open {path} ({e.Message}): its folder is missing or not writable; pass a --db in a writable folder",
            ReadOnly => $"{path} is read-only ({e.Message}); pass a --db in a writable folder",
            Corrupt or NotADatabase => $"{path} is not a usable results database: it is corrupted or not an SQLite file ({e.Message})",
            _ => $"{path} is not a usable results database: {e.Message}",
        };
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
        return ReadAll(cmd, "runs", r => new StoredRun(r.Long("id"), r.Text("label"),
            DateTime.Parse(r.Text("created_utc"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            r.Text("command"), r.Seed("sweep_seed"), r.Text("environment_json")));
    }

    /// <summary>
    /// Records the scoring-relevant constants of a workload as the run used them (preset, targets, direction, budget).
    /// Recording the same constants again is a no-op; different ones (e.g. resuming a tiny-preset run at the quick
    /// preset) are refused: the run's trials would be scored against targets they were not run for.
    /// </summary>
    public void RecordWorkloadSpec(long runId, StoredWorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (WorkloadSpecs(runId).FirstOrDefault(s => s.Name == spec.Name) is { } stored)
        {
            string? why = stored.Difference(spec);
            if (why is null) return;
            string label = Runs().FirstOrDefault(r => r.Id == runId)?.Label ?? runId.ToString(CultureInfo.InvariantCulture);
            throw new ResultsStoreException(
                $"run '{label}' in {Path} ran workload {spec.Name} with other constants: {why}; use the settings it was started with (e.g. the same --preset) or another --label");
        }

        InsertWorkloadSpec(runId, spec);
    }

    /// <summary>
    /// Records which build of <paramref name="algorithm"/> (its spec as given on the command line) the run trains
    /// (<see cref="Plugins.AlgorithmIdentity"/>). Recording the same version again is a no-op; another one (a rebuilt
    /// plugin, a changed built-in) is refused: resuming a trial with other code would mix two algorithms in one curve.
    /// </summary>
    public void RecordAlgorithmVersion(long runId, string algorithm, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(algorithm);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        if (AlgorithmVersions(runId).TryGetValue(algorithm, out string? stored))
        {
            if (stored == version) return;
            string label = Runs().FirstOrDefault(r => r.Id == runId)?.Label ?? runId.ToString(CultureInfo.InvariantCulture);
            throw new ResultsStoreException(
                $"run '{SafeText.Terminal(label)}' in {Path} trained {SafeText.Terminal(algorithm)} as {SafeText.Terminal(stored)}, but this build is " +
                $"{SafeText.Terminal(version)}; finish the run with the build it started with, or start a new run with another --label");
        }

        InsertAlgorithmVersion(runId, algorithm, version);
    }

    /// <summary>Adds a run's algorithm build without checking for one already recorded (<see cref="ResultsMerge"/> checks).</summary>
    internal void InsertAlgorithmVersion(long runId, string algorithm, string version)
    {
        using var cmd = Command("INSERT INTO algorithm_versions (run_id, algorithm, version) VALUES ($r, $a, $v);");
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$a", algorithm);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// The algorithm builds recorded for a run (algorithm spec → version); empty for a run or a database written before
    /// they were recorded (schema 1, opened read-only).
    /// </summary>
    public IReadOnlyDictionary<string, string> AlgorithmVersions(long runId)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!ResultsSchema.HasAlgorithmVersions(_db, _tx)) return result;
        using var cmd = Command("SELECT algorithm, version FROM algorithm_versions WHERE run_id = $r ORDER BY algorithm;");
        cmd.Parameters.AddWithValue("$r", runId);
        foreach (var (algorithm, version) in ReadAll(cmd, "algorithm_versions", r => (r.Text("algorithm"), r.Text("version")))) result[algorithm] = version;
        return result;
    }

    /// <summary>Adds a run's workload constants without checking for ones already recorded (<see cref="ResultsMerge"/> checks).</summary>
    internal void InsertWorkloadSpec(long runId, StoredWorkloadSpec spec)
    {
        using var cmd = Command("INSERT INTO workload_specs (run_id, workload, spec_json) VALUES ($r, $w, $j);");
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
        return ReadAll(cmd, "workload_specs", r => JsonSerializer.Deserialize<StoredWorkloadSpec>(r.Text("spec_json"), Json)
            ?? throw new FormatException("spec_json is null"));
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
            AddTrialIdentity(cmd, runId, spec.Key, spec.Workload, spec.Algorithm, spec.Study, spec.Trial, TrialSettings.Of(spec));
            cmd.ExecuteNonQuery();
        }

        var stored = Trials(runId).Single(t => t.Key == spec.Key);
        if (TrialSettings.Of(stored).Difference(TrialSettings.Of(spec)) is { } why)
        {
            string label = Runs().FirstOrDefault(r => r.Id == runId)?.Label ?? runId.ToString(CultureInfo.InvariantCulture);
            throw new ResultsStoreException(
                $"run '{label}' in {Path} already has trial {spec.Key} with other settings ({why}); use the settings it was started with or another --label");
        }

        return stored;
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
        return ReadAll(cmd, "trials", r => new StoredTrial(r.Long("id"), r.Long("run_id"), r.Text("key"), r.Text("workload"), r.Text("algorithm"),
            r.Ruleset("ruleset"), checked((int)r.Long("study")), checked((int)r.Long("trial")), r.Text("hyperparameters_json"), r.Seed("data_seed"),
            r.Seed("init_seed"), r.Seed("algorithm_seed"), r.Real("budget_multiplier"), r.State("state"), r.TextOrNull("error"),
            r.Long("steps"), r.Real("submission_seconds"), r.Real("median_step_seconds")));
    }

    /// <summary>When a trial first started and when it finished (UTC, ISO 8601), or null.</summary>
    public (string? Started, string? Finished) TrialTimes(long trialId)
    {
        using var cmd = Command("SELECT started_utc, finished_utc FROM trials WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", trialId);
        var times = ReadAll(cmd, "trials", r => (r.TextOrNull("started_utc"), r.TextOrNull("finished_utc")));
        return times.Count == 0 ? (null, null) : times[0];
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
        cmd.Parameters.AddWithValue("$m", StoredNumbers.Serialize(row.Metrics));
        cmd.Parameters.AddWithValue("$d", StoredNumbers.Serialize(row.Diagnostics));
        cmd.ExecuteNonQuery();
    }

    /// <summary>The eval rows of a trial in step order (a schema-3 file's retired columns are not read: <see cref="ResultsSchema"/>).</summary>
    public IReadOnlyList<StoredEval> Evals(long trialId)
    {
        using var cmd = Command("SELECT step, submission_seconds, eval_seconds, logging_seconds, total_seconds, metrics_json, diagnostics_json FROM evals WHERE trial_id = $t ORDER BY step;");
        cmd.Parameters.AddWithValue("$t", trialId);
        return ReadAll(cmd, "evals", r => new StoredEval(r.Long("step"), r.Real("submission_seconds"), r.Real("eval_seconds"), r.Real("logging_seconds"),
            r.Real("total_seconds"), StoredNumbers.Deserialize(r.Text("metrics_json")), StoredNumbers.Deserialize(r.Text("diagnostics_json"))));
    }

    /// <summary>
    /// Carries the values of a schema-3 file's retired eval columns (<see cref="ResultsSchema.RetiredEvalColumns"/>) of
    /// trial <paramref name="fromTrial"/> in <paramref name="source"/> onto the already copied rows of trial
    /// <paramref name="toTrial"/> here, adding the columns here first if this file lacks them; does nothing when the
    /// source has no such values. Merge calls it inside its transaction, so that merging loses nothing recorded.
    /// </summary>
    internal void CopyRetiredEvalValues(ResultsStore source, long fromTrial, long toTrial)
    {
        ArgumentNullException.ThrowIfNull(source);
        var columns = ResultsSchema.RetiredEvalColumns;
        if (ResultsSchema.MissingRetiredEvalColumns(source._db, source._tx).Count > 0) return;
        using var read = source.Command($"SELECT step, {string.Join(", ", columns)} FROM evals WHERE trial_id = $t AND " +
            $"({string.Join(" OR ", columns.Select(c => c + " IS NOT NULL"))}) ORDER BY step;");
        read.Parameters.AddWithValue("$t", fromTrial);
        var rows = source.ReadAll(read, "evals", r => (Step: r.Long("step"), Values: columns.Select(r.RealOrNull).ToArray()));
        if (rows.Count == 0) return;

        foreach (string missing in ResultsSchema.MissingRetiredEvalColumns(_db, _tx))
        {
            using var add = Command($"ALTER TABLE evals ADD COLUMN {missing} REAL;");
            add.ExecuteNonQuery();
        }

        using var write = Command($"UPDATE evals SET {string.Join(", ", columns.Select((c, i) => $"{c} = $v{i}"))} WHERE trial_id = $t AND step = $s;");
        foreach (var (step, values) in rows)
        {
            write.Parameters.Clear();
            write.Parameters.AddWithValue("$t", toTrial);
            write.Parameters.AddWithValue("$s", step);
            for (int i = 0; i < values.Length; i++) write.Parameters.AddWithValue($"$v{i}", (object?)values[i] ?? DBNull.Value);
            write.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Deletes eval rows after <paramref name="step"/> (resuming from a checkpoint taken at that step). A negative step
    /// (a corrupt checkpoint) is refused: it would delete every recorded row.
    /// </summary>
    public void DeleteEvalsAfter(long trialId, long step)
    {
        if (step < 0) throw new InvalidDataException($"a checkpoint at step {step} cannot be resumed (steps are ≥ 0); delete the trial's checkpoint folder to restart it");
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
    /// Copies a trial row of another database into run <paramref name="runId"/> as it is (state, counters, start and
    /// finish times); returns the new row id. The caller checks for a clash (<see cref="ResultsMerge"/>).
    /// </summary>
    internal long InsertTrial(long runId, StoredTrial t, string? startedUtc, string? finishedUtc)
    {
        using var cmd = Command("""
            INSERT INTO trials (run_id, key, workload, algorithm, ruleset, study, trial, hyperparameters_json, data_seed, init_seed,
              algorithm_seed, budget_multiplier, state, error, steps, submission_seconds, median_step_seconds, started_utc, finished_utc)
            VALUES ($run, $key, $w, $a, $rs, $s, $t, $h, $ds, $is, $as, $b, $st, $e, $n, $sub, $med, $start, $finish) RETURNING id;
            """);
        AddTrialIdentity(cmd, runId, t.Key, t.Workload, t.Algorithm, t.Study, t.Trial, TrialSettings.Of(t));
        cmd.Parameters.AddWithValue("$st", t.State.ToString());
        cmd.Parameters.AddWithValue("$e", (object?)t.Error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", t.Steps);
        cmd.Parameters.AddWithValue("$sub", t.SubmissionSeconds);
        cmd.Parameters.AddWithValue("$med", t.MedianStepSeconds);
        cmd.Parameters.AddWithValue("$start", (object?)startedUtc ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$finish", (object?)finishedUtc ?? DBNull.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    // The parameters $run … $b of a trial row: who it is and the settings it was planned with.
    private static void AddTrialIdentity(SqliteCommand cmd, long runId, string key, string workload, string algorithm, int study, int trial, TrialSettings s)
    {
        cmd.Parameters.AddWithValue("$run", runId);
        cmd.Parameters.AddWithValue("$key", key);
        cmd.Parameters.AddWithValue("$w", workload);
        cmd.Parameters.AddWithValue("$a", algorithm);
        cmd.Parameters.AddWithValue("$rs", s.Ruleset.Key());
        cmd.Parameters.AddWithValue("$s", study);
        cmd.Parameters.AddWithValue("$t", trial);
        cmd.Parameters.AddWithValue("$h", s.Hyperparameters);
        cmd.Parameters.AddWithValue("$ds", s.DataSeed.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$is", s.InitSeed.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$as", s.AlgorithmSeed.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$b", s.BudgetMultiplier);
    }

    /// <summary>Deletes a trial and its eval rows.</summary>
    internal void DeleteTrial(long trialId)
    {
        using var cmd = Command("DELETE FROM evals WHERE trial_id = $id; DELETE FROM trials WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", trialId);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The text stored under <paramref name="key"/> in the meta table, or null (<see cref="ShardStamp"/> keeps its stamps there).</summary>
    internal string? Meta(string key)
    {
        using var cmd = Command("SELECT value FROM meta WHERE key = $k;");
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> in the meta table, replacing what was there.</summary>
    internal void SetMeta(string key, string value)
    {
        using var cmd = Command("INSERT OR REPLACE INTO meta (key, value) VALUES ($k, $v);");
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs <paramref name="body"/> in one transaction that every command of this store joins: all or nothing.</summary>
    internal void InTransaction(Action body)
    {
        using var tx = _db.BeginTransaction();
        _tx = tx;
        try
        {
            body();
            tx.Commit();
        }
        finally
        {
            _tx = null;
        }
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => _db.Dispose();

    // Reads every row of cmd; a value of the wrong type, unparsable JSON or a corrupted page is one clear error.
    private List<T> ReadAll<T>(SqliteCommand cmd, string table, Func<StoredRow, T> map)
    {
        var list = new List<T>();
        try
        {
            using var r = cmd.ExecuteReader();
            var row = new StoredRow(r);
            while (r.Read()) list.Add(map(row));
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or JsonException or ArgumentException
            or NotSupportedException)
        {
            throw new ResultsStoreException(
                $"{Path}: a row of table {table} holds a value that cannot be read ({SafeText.Terminal(e.Message)}); the file was edited by hand or damaged — restore it or re-run into a fresh --db", e);
        }
        catch (SqliteException e)
        {
            throw new ResultsStoreException(Describe(Path, e), e);
        }

        return list;
    }

    // Commands join the transaction in progress (a merge), if any.
    private SqliteCommand Command(string sql)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _tx;
        return cmd;
    }
}
