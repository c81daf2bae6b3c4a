using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>leaderboard, report, compare and merge sources open databases read-only: foreign files stay untouched, read-only folders can be read.</summary>
public sealed class ReadOnlyStoreTests : ScratchFolder
{
    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private string Scored(string name)
    {
        string db = P(name);
        using var store = ResultsStore.Open(db);
        ScoringDatabases.Seeds(store, "v1", "w1", "adam", [10, 11, 12], [0.01, 0.01, 0.01]);
        return db;
    }

    private static void AssertOneLine(int code, string err, string expected)
    {
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void AForeignSqliteFileIsRefusedByEveryCommandAndLeftByteForByteUntouched()
    {
        string foreign = P("photos.db");
        using (var c = new SqliteConnection($"Data Source={foreign};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat');";
            cmd.ExecuteNonQuery();
        }

        string before = Hash(foreign);
        string good = Scored("good.db");
        const string Why = "photos.db is an SQLite database but not an AlgoPerfSharp results database (tables: photos)";
        foreach (var args in new[]
        {
            new[] { "leaderboard", "--db", foreign },
            ["report", "--db", foreign, "--out", P("r.html")],
            ["compare", good, foreign],
            ["merge", "--db", P("merged.db"), foreign],
            ["run", "-w", "synthetic_regression", "-a", "adamw", "--in-process", "--max-steps", "2", "--db", foreign, "--log", P("run.log")],
        })
        {
            var (code, _, err) = HostedCli.Run(args);
            AssertOneLine(code, err, Why);
            Assert.Equal(before, Hash(foreign));
            Assert.False(File.Exists(foreign + "-wal"), $"{args[0]} switched the file to WAL");
        }

        using var check = new SqliteConnection($"Data Source={foreign};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var tables = check.CreateCommand();
        tables.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table';";
        Assert.Equal("photos", tables.ExecuteScalar());
    }

    [Fact]
    public void ScoringCommandsReadADatabaseInAReadOnlyFolder()
    {
        string dir = P("shared");
        Directory.CreateDirectory(dir);
        string db = Path.Combine(dir, "results.db");
        using (var store = ResultsStore.Open(db))
        {
            ScoringDatabases.Seeds(store, "v1", "w1", "adam", [10, 11, 12], [0.01, 0.01, 0.01]);
        }

        SqliteConnection.ClearAllPools();
        Assert.False(File.Exists(db + "-wal")); // closed cleanly: the log was checkpointed away
        string before = Hash(db);
        var (code, output, err) = Sandbox.Run(
            $"$ALGOPERF leaderboard --db {db} && $ALGOPERF report --db {db} --out {P("r.html")} && $ALGOPERF compare {db} {db} && touch {dir}/probe",
            readOnly: [dir]);
        Assert.True(code != 0, "touch in the read-only folder must fail: " + output);
        Assert.Contains("Read-only file system", err, StringComparison.Ordinal);
        Assert.Contains("1  adam", output, StringComparison.Ordinal);
        Assert.Contains("wrote " + P("r.html"), output, StringComparison.Ordinal);
        Assert.Contains("**Result: no regression**", output, StringComparison.Ordinal);
        Assert.Equal(before, Hash(db));
        Assert.Equal(["results.db"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void AWalDatabaseWithAPendingLogInAReadOnlyFolderIsAOneLineErrorSayingWhatToDo()
    {
        string dir = P("snapshot");
        Directory.CreateDirectory(dir);
        string live = P("live.db");
        using var store = ResultsStore.Open(live);
        ScoringDatabases.Seeds(store, "v1", "w1", "adam", [10, 11, 12], [0.01, 0.01, 0.01]);
        // copied while the writer is open: the rows are still in the -wal log
        File.Copy(live, Path.Combine(dir, "results.db"));
        File.Copy(live + "-wal", Path.Combine(dir, "results.db-wal"));
        Assert.True(new FileInfo(Path.Combine(dir, "results.db-wal")).Length > 0);

        var (code, output, err) = Sandbox.Run($"$ALGOPERF leaderboard --db {dir}/results.db", readOnly: [dir]);
        AssertOneLine(code, err, "results.db has a pending write-ahead log (results.db-wal) but its folder is read-only");
        Assert.Contains("copy results.db and results.db-wal to a writable folder and read the copy", err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void CommandsThatWriteRefuseAReadOnlyFolderWithOneLine()
    {
        string dir = P("ro");
        Directory.CreateDirectory(dir);
        var (code, _, err) = Sandbox.Run(
            $"$ALGOPERF run -w synthetic_regression -a adamw --in-process --max-steps 2 --db {dir}/x.db --log {P("x.log")} --checkpoints {P("ckpt")}",
            readOnly: [dir]);
        AssertOneLine(code, err, $"cannot open {dir}/x.db");
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);

        // the log beside the database (the default) is the first thing written there
        var (code2, _, err2) = Sandbox.Run($"$ALGOPERF run -w synthetic_regression -a adamw --in-process --max-steps 2 --db {dir}/x.db", readOnly: [dir]);
        AssertOneLine(code2, err2, $"{dir}/x.db.log");
    }
}
