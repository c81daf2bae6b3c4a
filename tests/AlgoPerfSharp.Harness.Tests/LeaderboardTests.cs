using System.Text.Json;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Contracts;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class LeaderboardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-lb-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Db => Path.Combine(_dir, "results.db");

    /// <summary>
    /// Two algorithms × two workloads, self-tuning, one study. "fast" reaches w1 at 10 s and w2 at 20 s; "slow" reaches w1 at
    /// 25 s (2.5×) and never w2. Error rates fall by 0.1 per eval; target 0.5 (lower is better).
    /// </summary>
    private void Populate()
    {
        using var store = ResultsStore.Open(Db);
        var run = store.CreateRun("nightly", "test", 1, "{}");
        foreach (var w in new[] { "w1", "w2" })
        {
            store.RecordWorkloadSpec(run.Id, new StoredWorkloadSpec(w, "validation/error_rate", 0.5, "test/error_rate", 0.55, true, 1000, null));
        }

        void Trial(string alg, string w, double reachAt, double medianStep)
        {
            var spec = new TrialSpec(w, alg, TuningRuleset.SelfTuning, 0, 0, Hyperparameters.Empty, 1, 2, 3, 1.5);
            var t = store.EnsureTrial(run.Id, spec);
            for (int k = 1; k <= 6; k++)
            {
                double time = reachAt * k / 5; // the 5th eval is the first with error ≤ 0.5
                double err = 1.0 - (0.1 * k);
                if (double.IsInfinity(reachAt))
                {
                    time = 10 * k;
                    err = 0.9;
                }

                store.AppendEval(t.Id, new StoredEval(k * 10, time, 0, 0, time,
                    new Dictionary<string, double> { ["validation/error_rate"] = err, ["test/error_rate"] = err }, new Dictionary<string, double>()));
            }

            store.FinishTrial(t.Id, TrialState.Completed, null, 60, 100, medianStep);
        }

        Trial("fast", "w1", 10, 0.010);
        Trial("fast", "w2", 20, 0.012);
        Trial("slow", "w1", 25, 0.020);
        Trial("slow", "w2", double.PositiveInfinity, 0.022);
    }

    [Fact]
    public void ScoresStoredRunsWithAlgoPerfsRules()
    {
        Populate();
        using var store = ResultsStore.Open(Db, create: false);
        var board = Reports.LeaderboardResult.Compute(store, store.Runs(), Scoring.TuningRuleset.SelfTuning);
        Assert.Equal(["fast", "slow"], board.Rows.Select(r => r.Algorithm));
        Assert.Equal(1.0, board.Rows[0].Score, 1e-12);
        // slow: ratio 2.5 on w1, ∞ on w2 → ρ = ½ for τ ≥ 2.5 → score ≈ ½·(4 − 2.5)/3 = 0.25 (grid of 100 points).
        Assert.Equal(0.25, board.Rows[1].Score, 0.01);
        var w1 = board.Rows[1].Workloads.Single(c => c.Workload == "w1");
        Assert.Equal(25, w1.TimeToTargetSeconds, 1e-12);
        Assert.Equal(2.5, w1.Ratio, 1e-12);
        Assert.Equal(1, w1.TrialsReachingTarget);
        Assert.True(double.IsPositiveInfinity(board.Rows[1].Workloads.Single(c => c.Workload == "w2").TimeToTargetSeconds));
        Assert.Equal(0.011, board.Rows[0].MedianStepSeconds, 1e-12);
        Assert.Contains("only over the algorithms scored together", board.ToMarkdown());
    }

    [Fact]
    public void TheCommandPrintsTheTableAndWritesMarkdownAndJson()
    {
        Populate();
        string md = Path.Combine(_dir, "lb.md"), js = Path.Combine(_dir, "lb.json");
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = CliApp.Run(["leaderboard", "--db", Db, "--markdown", md, "--json", js], o, e);
        Assert.Equal(0, code);
        var lines = o.ToString().Split('\n');
        Assert.StartsWith("#  algorithm   score", lines[0]);
        Assert.StartsWith("1  fast       1.0000", lines[1]);
        Assert.Contains("10.0 s · 50 steps · 1.00× · 1/1", lines[1]);
        Assert.Contains("25.0 s · 50 steps · 2.50× · 1/1", lines[2]);
        Assert.Contains("∞ · ∞ steps · ∞ · 0/1", lines[2]);
        Assert.Contains("| 1 | fast | 1.0000 |", File.ReadAllText(md));
        using var doc = JsonDocument.Parse(File.ReadAllText(js));
        var slow = doc.RootElement.GetProperty("rows")[1];
        Assert.Equal("slow", slow.GetProperty("algorithm").GetString());
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("workloads")[1].GetProperty("time_to_target_seconds").ValueKind);
    }

    [Fact]
    public void BadDatabasesAndLabelsGetClearMessages()
    {
        using var e = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["leaderboard", "--db", Path.Combine(_dir, "none.db")], new StringWriter(), e));
        Assert.Contains("does not exist", e.ToString());

        using (ResultsStore.Open(Db))
        {
        }

        using var e2 = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["leaderboard", "--db", Db], new StringWriter(), e2));
        Assert.Contains("has no runs to score", e2.ToString());

        Populate();
        using var e3 = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["leaderboard", "--db", Db, "--run", "nope"], new StringWriter(), e3));
        Assert.Contains("has no run labelled 'nope' (it has: nightly)", e3.ToString());
    }
}
