using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Exact snapshots of the markdown and JSON the leaderboard and compare commands write (CI logs and tooling read them,
/// so format changes must be deliberate). The snapshot files were produced by the code and then checked by hand
/// against the closed forms stated on each test; see <see cref="Snapshot"/> to re-accept.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-snap-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>
    /// fast: w1 at 10 s, w2 at 20 s (fastest on both, score 1); slow: w1 at 25 s (ratio 2.5), w2 never, so
    /// ρ = ½ from τ_50 = 2.515 on and the trapezoid area is (¼ + 49·½)·(3/99) = 0.75, score 0.75/3 = 0.2500.
    /// Median step = the single trial's step (10.0, 12.0 ms for fast → median over w1, w2 = 11.0 ms; slow 21.0 ms).
    /// Steps-to-target: the 5th eval is at step 50. One study per cell: no intervals, the "need ≥ 2 studies" line instead.
    /// Resolution: evals every reach/5 s — w1 gaps 2 s (fast) and 5 s (slow), five each, median 3.5 s, ÷ median(10, 25) =
    /// 17.5 s → 20 %; w2 gaps 4 s and 10 s (slow never reaches it and logs every 10 s) → 7 s ÷ 20 s = 35 %.
    /// </summary>
    [Fact]
    public void LeaderboardMarkdownAndJson()
    {
        using var store = ResultsStore.Open(Path.Combine(_dir, "lb.db"));
        var run = ScoringDatabases.NewRun(store, "nightly", "w1", "w2");
        ScoringDatabases.Trial(store, run, "fast", "w1", 0, 10, 0.010);
        ScoringDatabases.Trial(store, run, "fast", "w2", 0, 20, 0.012);
        ScoringDatabases.Trial(store, run, "slow", "w1", 0, 25, 0.020);
        ScoringDatabases.Trial(store, run, "slow", "w2", 0, double.PositiveInfinity, 0.022);
        var board = LeaderboardResult.Compute(store, store.Runs(), TuningRuleset.SelfTuning);
        Snapshot.Match("leaderboard.md", board.ToMarkdown());
        Snapshot.Match("leaderboard.json", board.ToJson());
    }

    /// <summary>
    /// Baseline seeds 98..102 s, candidate exactly 1.3× each (steps likewise, ×1e-4 s): ratio 1.300; p = 1/252 = 0.0040
    /// (every candidate seed slower); the 90% interval is the 5th smallest/largest of the 25 ratios 1.3·b_j/b_i
    /// (k = 5 since P(U ≤ 4) = 12/252 ≤ 0.05 &lt; 19/252): 1.3·99/101 = 1.274 and 1.3·101/99 = 1.326.
    /// </summary>
    [Fact]
    public void CompareMarkdownAndJson()
    {
        double[] b = [100, 102, 98, 101, 99];
        using var bs = ResultsStore.Open(Path.Combine(_dir, "base.db"));
        using var cs = ResultsStore.Open(Path.Combine(_dir, "cand.db"));
        ScoringDatabases.Seeds(bs, "v1", "w1", "adam", b, b.Select(x => x * 1e-4).ToArray());
        ScoringDatabases.Seeds(cs, "v2", "w1", "adam", b.Select(x => x * 1.3).ToArray(), b.Select(x => x * 1.3e-4).ToArray());
        var report = ReleaseComparisonReport.Compute(bs, bs.Runs(), cs, cs.Runs(), TuningRuleset.SelfTuning);
        Snapshot.Match("compare.md", report.ToMarkdown());
        Snapshot.Match("compare.json", report.ToJson());
    }
}
