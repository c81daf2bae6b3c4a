using System.Globalization;
using AlgoPerfSharp.Harness.Reports;
using Microsoft.Data.Sqlite;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// The results database's schema: the version this code writes, the DDL of every version and the migrations from each
/// older one. A file is recognised as ours by its <c>meta</c> table; a foreign SQLite file, an unreadable version and a
/// newer version are refused before anything is written. Migrations run in one transaction per version, so a process
/// killed mid-migration leaves the file at the last complete version.
/// <para>
/// Versions: 1, the tables; 2, <c>algorithm_versions</c>; 3, two eval columns for the timing-noise experiment
/// (<see cref="RetiredEvalColumns"/>: process CPU seconds and speed-probe seconds); 4, those columns retired — the
/// experiment was negative and its code removed (docs/timing-noise.md). Retired columns are kept, never dropped: a
/// schema-3 file migrated to 4 keeps both columns and their values (only its version changes), new rows leave them
/// NULL and nothing reads them, and <c>algoperf merge</c> carries their values into the target (adding the columns
/// there when needed), so nothing recorded is lost. A fresh file, and one migrated from schema 1 or 2, never has them.
/// Read them with SQL: <c>SELECT trial_id, step, submission_cpu_seconds, probe_seconds FROM evals</c>.
/// </para>
/// </summary>
public static class ResultsSchema
{
    /// <summary>The schema version this code writes.</summary>
    public const int Version = 4;

    /// <summary>Eval columns of schema 3 that schema 4 retired (kept where present, never read or written by the harness).</summary>
    internal static readonly IReadOnlyList<string> RetiredEvalColumns = ["submission_cpu_seconds", "probe_seconds"];

    /// <summary>
    /// The stored schema version of the database behind <paramref name="db"/> (0 for a fresh file); refuses a file that
    /// is not ours, an unreadable version and a newer one. Reads only.
    /// </summary>
    internal static int CheckOwnership(SqliteConnection db, string path)
    {
        var tables = new List<string>();
        using (var cmd = Command(db, "SELECT name FROM sqlite_master WHERE type = 'table';"))
        using (var r = cmd.ExecuteReader())
        {
            int name = r.GetOrdinal("name");
            while (r.Read()) tables.Add(r.GetString(name));
        }

        if (tables.Count == 0) return 0;
        if (!tables.Contains("meta"))
        {
            throw new ResultsStoreException(
                $"{path} is an SQLite database but not an AlgoPerfSharp results database (tables: {string.Join(", ", tables.Take(5))}); it was left untouched — pass another --db");
        }

        string? text;
        using (var cmd = Command(db, "SELECT value FROM meta WHERE key = 'schema_version'"))
        {
            text = cmd.ExecuteScalar() as string;
        }

        if (text is null)
        {
            if (tables.Count == 1) return 0; // created and killed before its tables were: ours, fresh
            throw new ResultsStoreException($"{path} is not an AlgoPerfSharp results database (its meta table has no schema_version); it was left untouched — pass another --db");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
        {
            throw new ResultsStoreException(
                $"{path} has an unreadable schema version '{SafeText.Terminal(text)}' in its meta table (edited by hand?); set it back to {Version} or use another --db");
        }

        if (version > Version)
        {
            throw new ResultsStoreException(
                $"{path} has schema version {version}, newer than this AlgoPerfSharp understands ({Version}); upgrade AlgoPerfSharp to read it");
        }

        return version;
    }

    /// <summary>Brings a database at <paramref name="version"/> (0 = fresh) to <see cref="Version"/>.</summary>
    internal static void Migrate(SqliteConnection db, int version)
    {
        if (version < 1)
        {
            using var tx = db.BeginTransaction();
            Exec(db, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);", tx);
            Exec(db, """
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
            Exec(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '1');", tx);
            tx.Commit();
        }

        if (version < 2)
        {
            // v2: which build of each algorithm a run's trials were trained with (resume and merge compare it)
            using var tx = db.BeginTransaction();
            Exec(db, "CREATE TABLE IF NOT EXISTS algorithm_versions (run_id INTEGER NOT NULL REFERENCES runs(id), algorithm TEXT NOT NULL, " +
                "version TEXT NOT NULL, PRIMARY KEY (run_id, algorithm));", tx);
            Exec(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '2');", tx);
            tx.Commit();
        }

        if (version < 4)
        {
            // v3 added the RetiredEvalColumns and v4 retired them: a v3 file keeps them with their values, an older one
            // never gains them, so only the version changes
            using var tx = db.BeginTransaction();
            Exec(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '4');", tx);
            tx.Commit();
        }
    }

    /// <summary>The <see cref="RetiredEvalColumns"/> the evals table lacks (all of them unless it was once a schema-3 file).</summary>
    internal static IReadOnlyList<string> MissingRetiredEvalColumns(SqliteConnection db, SqliteTransaction? tx)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = Command(db, "SELECT name FROM pragma_table_info('evals');", tx))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read()) present.Add(r.GetString(0));
        }

        return RetiredEvalColumns.Where(c => !present.Contains(c)).ToList();
    }

    /// <summary>Whether the schema-2 algorithm_versions table exists (a schema-1 database opened read-only has none).</summary>
    internal static bool HasAlgorithmVersions(SqliteConnection db, SqliteTransaction? tx)
    {
        using var cmd = Command(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'algorithm_versions'", tx);
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>Runs statements that return nothing, in <paramref name="tx"/> if given.</summary>
    internal static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Command(db, sql, tx);
        cmd.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }
}
