using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary><c>algoperf agreement</c> over two runs with closed-form times (<see cref="ScoringDatabases"/>).</summary>
public sealed class AgreementTests : ScratchFolder
{
    private string Db => P("results.db");

    /// <summary>
    /// Five studies per cell. Run r1: a {10…14} beats b {20…24} beats c {40…44} in every study. Run r2: the same for a
    /// and c, but b {5…9} now beats a — so r1's significant pair a > b is reversed, and r2's b > a too. Every pair is
    /// fully separated: exact permutation p = 2/C(10, 5) = 2/252, Holm over 3 pairs 6/252 = 0.024.
    /// </summary>
    private void Populate()
    {
        using var store = ResultsStore.Open(Db);
        void Run(string label, double[] a, double[] b)
        {
            var run = ScoringDatabases.NewRun(store, label, "w1");
            for (int s = 0; s < 5; s++)
            {
                ScoringDatabases.Trial(store, run, "a", "w1", s, a[s], 0.01);
                ScoringDatabases.Trial(store, run, "b", "w1", s, b[s], 0.01);
                ScoringDatabases.Trial(store, run, "c", "w1", s, 40 + s, 0.01);
            }
        }

        Run("r1", [10, 11, 12, 13, 14], [20, 21, 22, 23, 24]);
        Run("r2", [10, 11, 12, 13, 14], [5, 6, 7, 8, 9]);
    }

    [Fact]
    public void TwoRunsAreComparedByTauIntervalsAndSignificantPairs()
    {
        Populate();
        var (code, output, err) = CliTests.Run(["agreement", Db, "--first-run", "r1", "--second-run", "r2"]);
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.Equal("first: results.db run(s) r1; second: results.db run(s) r2; 3 algorithms in both: a, b, c", lines[0]);

        // Orders a > b > c and b > a > c: of the 3 pairs, (a, c) and (b, c) agree, (a, b) does not: τ = (2 − 1)/3.
        Assert.Equal("Kendall τ-b of the two rankings: 0.333", lines[1]);

        // a scores 1 in every r1 replicate but < 1 in every r2 one (ratio ≥ 10/9 to b); b the other way round. c's ratio
        // to the fastest is more than 4 (no credit, score 0) in some r1 replicates (e.g. 42/10) and in every r2 one
        // (≥ 40/9), so its two intervals share 0: only c's overlap.
        Assert.Equal("score intervals that overlap: 1 of 3 (not: a, b)", lines[2]);
        Assert.Equal("significant pairs of the first kept in the second: 2 of 3; not kept: a > b (Holm p = 0.024)", lines[3]);
        Assert.Equal("significant pairs of the second kept in the first: 2 of 3; not kept: b > a (Holm p = 0.024)", lines[4]);
    }

    [Fact]
    public void BadInputIsAOneLineError()
    {
        Populate();
        var r = CliTests.Run(["agreement", Db]);
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Equal("error: agreement needs two databases (algoperf agreement FIRST SECOND), or one database with both --first-run and --second-run\n", r.Err);

        r = CliTests.Run(["agreement", Db, "--first-run", "r1", "--second-run", "r9"]);
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("has no run labelled 'r9' (it has: r1, r2)", r.Err, StringComparison.Ordinal);
    }
}
