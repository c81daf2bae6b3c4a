using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>IO failures, damaged databases and hand-edited values: exit code 2 and one line, never exit 134 and a stack trace.</summary>
public sealed class OneLineErrorTests : ScratchFolder
{
    private string Scored(string name)
    {
        string db = P(name);
        using var store = ResultsStore.Open(db);
        ScoringDatabases.Seeds(store, "v1", "w1", "adam", [10, 11, 12], [0.01, 0.01, 0.01]);
        return db;
    }

    private static void AssertOneLine((int Code, string Out, string Err) r, string expected)
    {
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    private static void Edit(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public void OutputFilesInAMissingFolderAreExitTwoAndCompareKeepsNoVerdict()
    {
        string db = Scored("a.db");
        string missing = P("no/such/folder");
        AssertOneLine(HostedCli.Run("report", "--db", db, "--out", missing + "/r.html"), "create the folder first or pass another path");
        AssertOneLine(HostedCli.Run("leaderboard", "--db", db, "--markdown", missing + "/l.md"), "create the folder first or pass another path");
        AssertOneLine(HostedCli.Run("leaderboard", "--db", db, "--json", missing + "/l.json"), "create the folder first or pass another path");
        // the verdict alone would be 0 (a database against itself): a result that could not be written is not a pass
        Assert.Equal(0, HostedCli.Run("compare", db, db).Code);
        AssertOneLine(HostedCli.Run("compare", db, db, "--json", missing + "/c.json"), "create the folder first or pass another path");
        AssertOneLine(HostedCli.Run("compare", db, db, "--markdown", missing + "/c.md"), "create the folder first or pass another path");
    }

    [Fact]
    public void ALogOnAFullDiskStopsTheRunBeforeItStarts()
    {
        var r = HostedCli.Run("run", "-w", "synthetic_regression", "-a", "adamw", "--in-process", "--max-steps", "5", "--db", P("x.db"), "--log", "/dev/full");
        AssertOneLine(r, "cannot write the log /dev/full");
        Assert.Contains("pass --log with a writable path", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(P("x.db")), "nothing runs without its log");
    }

    [Fact]
    public void ALogThatFillsItsDiskMidRunStopsTheLogNotTheRun()
    {
        // a one-page (4 KiB) tmpfs holds the first lines of the log, not the two lines each of 16 trials adds
        var (code, output, err) = Sandbox.Run(
            $"$ALGOPERF run -w synthetic_regression -a adamw --trials 16 --max-steps 2 --in-process --db {P("x.db")} --checkpoints {P("ck")} --log /lg/x.log",
            tmpfs: ("/lg", 4096));
        Assert.True(code == 0, err);
        Assert.StartsWith("warning: the log /lg/x.log stopped: No space left on device", err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains("16 trials run now", output, StringComparison.Ordinal);
        Assert.Equal(16, HostedCli.Trials(P("x.db"), "run").Count(t => t.Trial.State == TrialState.Completed));
    }

    [Theory]
    [InlineData("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'", "has an unreadable schema version 'abc' in its meta table")]
    [InlineData("UPDATE trials SET state = 'Bogus'", "a row of table trials holds a value that cannot be read (state = 'Bogus' is not a trial state)")]
    [InlineData("UPDATE trials SET steps = 'many'", "(steps = 'many' is not an integer)")]
    [InlineData("UPDATE evals SET submission_seconds = 'fast' WHERE step = 30", "a row of table evals holds a value that cannot be read (submission_seconds = 'fast' is not a number)")]
    [InlineData("UPDATE evals SET metrics_json = '{' WHERE step = 30", "a row of table evals holds a value that cannot be read")]
    [InlineData("UPDATE runs SET sweep_seed = '-1'", "(sweep_seed = '-1' is not a seed)")]
    [InlineData("UPDATE workload_specs SET spec_json = '[]'", "a row of table workload_specs holds a value that cannot be read")]
    public void HandEditedValuesAreOneLineForEveryScoringCommand(string sql, string expected)
    {
        string db = Scored("edited.db");
        Edit(db, sql);
        AssertOneLine(HostedCli.Run("leaderboard", "--db", db), expected);
        AssertOneLine(HostedCli.Run("report", "--db", db, "--out", P("r.html")), expected);
        AssertOneLine(HostedCli.Run("compare", db, db), expected);
    }

    [Fact]
    public void ACorruptedPageIsOneLineForEveryScoringCommand()
    {
        string db = Scored("corrupt.db");
        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(db);
        int page = (bytes[16] << 8) | bytes[17]; // page size, big-endian (header offset 16)
        Assert.True(bytes.Length >= 4 * page, "the database has table pages after the schema page");
        for (int i = page; i < bytes.Length; i++) bytes[i] = 0xA5; // every page but the schema
        File.WriteAllBytes(db, bytes);
        foreach (var args in new[] { new[] { "leaderboard", "--db", db }, ["report", "--db", db, "--out", P("r.html")], ["compare", db, db] })
        {
            var r = HostedCli.Run(args);
            AssertOneLine(r, "corrupt.db is not a usable results database: it is corrupted or not an SQLite file");
        }
    }

    [Fact]
    public void ADatabaseOnAFullFileSystemIsOneLineAndTheNextRunResumesTheTrialLeftRunning()
    {
        // A 1 MiB tmpfs with an 832 KiB filler: the database (with its write-ahead log) fills it after a few eval rows. The
        // log and the checkpoints live outside it, so the failure is the database's. Then the filler goes and the same
        // command is re-run: it resumes from the trial's checkpoint at step 1 (the first eval's; the next is 10 s later),
        // rewinds the rows after it and writes all 40 again, which needs more than the 512 KiB this test once used.
        Directory.CreateDirectory(P("after-first"));
        Directory.CreateDirectory(P("after-second"));
        string run = $"$ALGOPERF run -w synthetic_regression -a adamw --trials 1 --in-process --max-steps 40 --eval-every-steps 1 --db /full/x.db --log {P("x.log")} --checkpoints {P("ckpt")}";
        var (code, output, err) = Sandbox.Run(
            $"head -c 851968 /dev/zero > /full/filler; {run} >/dev/null; echo \"first=$?\"; for f in /full/x.db*; do [ -f \"$f\" ] && cp \"$f\" {P("after-first")}/; done; " +
            $"rm /full/filler; {run} >/dev/null; echo \"second=$?\"; for f in /full/x.db*; do [ -f \"$f\" ] && cp \"$f\" {P("after-second")}/; done; true",
            tmpfs: ("/full", 1024 * 1024));
        Assert.Equal(0, code);
        Assert.Equal("first=2\nsecond=0\n", output);
        Assert.Equal(
            "error: the results database: the disk is full (SQLite Error 13: 'database or disk is full'.); free space and re-run the same command (recorded rows are kept; an unfinished trial resumes)\n",
            err);

        // the first run stopped mid-trial: its row says Running (nothing could be written, not even "failed") and the rows it logged are there
        using (var first = ResultsStore.OpenReadOnly(P("after-first/x.db")))
        {
            var t = first.Trials(first.Runs().Single().Id).Single();
            Assert.Equal(TrialState.Running, t.State);
            var steps = first.Evals(t.Id).Select(e => e.Step).ToList();
            Assert.NotEmpty(steps);
            Assert.Equal(Enumerable.Range(1, steps.Count).Select(i => (long)i), steps);
        }

        // Running is not finished: the re-run resumed it from its checkpoint and completed it, one row per step
        using var second = ResultsStore.OpenReadOnly(P("after-second/x.db"));
        var done = second.Trials(second.Runs().Single().Id).Single();
        Assert.Equal((TrialState.Completed, 40L), (done.State, done.Steps));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), second.Evals(done.Id).Select(e => e.Step));
    }
}
