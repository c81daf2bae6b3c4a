using System.Text.Json;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The leaderboard's intervals, significance sentence, pairwise matrix, steps and resolution footer over databases
/// with closed-form times (<see cref="ScoringDatabases"/>: every trial meets the target at its 5th eval, step 50, and
/// evaluates every reach/5 seconds).
/// </summary>
public sealed class LeaderboardIntervalTests : ScratchFolder
{
    private const double Inf = double.PositiveInfinity;
    private string Db => P("results.db");

    /// <summary>
    /// Three studies per cell. fast: w1 {10, 12, 11}, w2 {20, 22, 21}; mid: w1 {9, 14, 13}, w2 {19, 25, 23} (overlapping
    /// fast); slow: w1 {30, 35, 40}, w2 {60, 70, ∞} — every study of slow is slower than every study of the others, so in
    /// every replicate slow scores lowest. <paramref name="slowStudies"/> drops slow's last studies.
    /// </summary>
    private void Populate(int slowStudies = 3)
    {
        using var store = ResultsStore.Open(Db);
        var run = ScoringDatabases.NewRun(store, "nightly", "w1", "w2");
        void Cells(string algorithm, double[] w1, double[] w2, int studies)
        {
            for (int s = 0; s < studies; s++)
            {
                ScoringDatabases.Trial(store, run, algorithm, "w1", s, w1[s], 0.01);
                ScoringDatabases.Trial(store, run, algorithm, "w2", s, w2[s], 0.01);
            }
        }

        Cells("fast", [10, 12, 11], [20, 22, 21], 3);
        Cells("mid", [9, 14, 13], [19, 25, 23], 3);
        Cells("slow", [30, 35, 40], [60, 70, Inf], slowStudies);
    }

    private LeaderboardResult Board()
    {
        using var store = ResultsStore.Open(Db, create: false);
        return LeaderboardResult.Compute(store, store.Runs(), Scoring.TuningRuleset.SelfTuning);
    }

    [Fact]
    public void ReplicatedStudiesGiveIntervalsAndNameTheSignificantPairs()
    {
        Populate();
        var board = Board();
        Assert.True(board.IsReplicated);
        Assert.Equal(["fast", "mid", "slow"], board.Rows.Select(r => r.Algorithm));
        Assert.Empty(board.Warnings);

        // slow is last in every replicate: P = 1 against both others, and its rank interval is exactly 3.
        Assert.Equal(1.0, board.Bootstrap.Probability("fast", "slow"));
        Assert.Equal(1.0, board.Bootstrap.Probability("mid", "slow"));
        Assert.Equal((3, 3), (board.Rows[2].Interval.RankLower, board.Rows[2].Interval.RankUpper));
        double pFastMid = board.Bootstrap.Probability("fast", "mid");
        Assert.InRange(pFastMid, 0.3, 0.95);
        Assert.Equal(1 - pFastMid, board.Bootstrap.Probability("mid", "fast"), 1e-12);
        foreach (var r in board.Rows) Assert.InRange(r.Score, r.Interval.ScoreLower, r.Interval.ScoreUpper);

        string text = board.ToText();
        Assert.Contains("95 % interval", text.Split('\n')[0], StringComparison.Ordinal);
        // Permutation tests (exact, 20 × 20 relabellings): slow's studies are slower than the others' in every cell, so
        // T = ½ + ½ and only the two fully separated relabellings of each cell pair up to |T| ≥ 1: p = 2/400 = 0.005;
        // fast–mid p = 0.455. Holm over 3 pairs: 0.015, 0.015, 0.455.
        var tests = board.Tests;
        Assert.Equal(0.005, tests["fast", "slow"].PValue, 1e-12);
        Assert.Equal(0.015, tests["mid", "slow"].AdjustedPValue, 1e-12);
        Assert.Equal(0.455, tests["fast", "mid"].PValue, 1e-12);
        Assert.Contains("fast > slow (p = 0.005, Holm 0.015), mid > slow (p = 0.005, Holm 0.015); no other difference is significant.", text, StringComparison.Ordinal);
        Assert.Contains("B = 2000, seed 20261206", text, StringComparison.Ordinal);

        string md = board.ToMarkdown();
        Assert.Contains("| rank | algorithm | score | 95 % interval | rank interval |", md, StringComparison.Ordinal);
        Assert.Contains("| slow | **0.000** | **0.000** | — |", md, StringComparison.Ordinal);
        Assert.Contains("| fast | — | " + pFastMid.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) + " | **1.000** |", md, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(board.ToJson());
        var root = doc.RootElement;
        Assert.True(root.GetProperty("bootstrap").GetProperty("replicated").GetBoolean());
        Assert.Equal(3, root.GetProperty("bootstrap").GetProperty("min_studies").GetInt32());
        var fast = root.GetProperty("rows")[0];
        Assert.Equal(board.Rows[0].Interval.ScoreLower, fast.GetProperty("score_interval").GetProperty("lower").GetDouble());
        Assert.Equal(50, fast.GetProperty("workloads")[0].GetProperty("steps_to_target").GetDouble());
        Assert.Equal(3, fast.GetProperty("workloads")[0].GetProperty("studies").GetInt32());
        Assert.Equal(1.0, root.GetProperty("pairwise").GetProperty("probability_row_scores_higher")[0][2].GetDouble());
        var significant = root.GetProperty("significant");
        Assert.Equal(2, significant.GetArrayLength());
        Assert.Equal("slow", significant[0].GetProperty("worse").GetString());
        Assert.Equal(0.015, significant[0].GetProperty("adjusted_p_value").GetDouble(), 1e-12);
        Assert.Equal(3, root.GetProperty("pair_tests").GetProperty("pairs").GetArrayLength());
    }

    [Fact]
    public void TheFooterGivesEachWorkloadsResolution()
    {
        Populate();
        var board = Board();

        // w1: each trial evaluates every reach/5 s, so its gaps are 2, 2.4, 2.2 (fast), 1.8, 2.8, 2.6 (mid), 6, 7, 8 (slow),
        // five of each: the 23rd of 45 sorted gaps is 2.6 s. Medians reached: fast 11, mid 13, slow 35 → 13 s. 2.6/13 = 20 %.
        // w2: gaps 4, 4.4, 4.2, 3.8, 5, 4.6, 12, 14 and 10 (the never-reached trial logs every 10 s) → 4.6 s;
        // medians 21, 23, 70 → 23 s; 4.6/23 = 20 %.
        var w1 = board.Resolution.Single(r => r.Workload == "w1");
        Assert.Equal(2.6, w1.EvalPeriodSeconds, 1e-12);
        Assert.Equal(13, w1.MedianTimeToTargetSeconds, 1e-12);
        Assert.True(w1.IsCoarse);
        Assert.Equal(4.6, board.Resolution.Single(r => r.Workload == "w2").EvalPeriodSeconds, 1e-12);
        Assert.Contains("w1 2.6 s ÷ 13.0 s = 20.0 % (coarse); w2 4.6 s ÷ 23.0 s = 20.0 % (coarse).", board.ToText(), StringComparison.Ordinal);

        Assert.False(new WorkloadResolution("w", 1, 40).IsCoarse);   // 2.5 %
        Assert.True(new WorkloadResolution("w", 1, 19).IsCoarse);    // 5.3 %
        Assert.False(new WorkloadResolution("w", double.NaN, 19).IsCoarse);
    }

    [Fact]
    public void OneStudyPerCellSaysIntervalsNeedMoreStudiesInsteadOfPrintingThem()
    {
        using (var store = ResultsStore.Open(Db))
        {
            var run = ScoringDatabases.NewRun(store, "nightly", "w1");
            ScoringDatabases.Trial(store, run, "fast", "w1", 0, 10, 0.01);
            ScoringDatabases.Trial(store, run, "slow", "w1", 0, Inf, 0.01);
        }

        var board = Board();
        Assert.False(board.IsReplicated);
        string text = board.ToText(), md = board.ToMarkdown();
        Assert.Contains(LeaderboardResult.IntervalsNeedStudies, text, StringComparison.Ordinal);
        Assert.DoesNotContain("interval", text.Split('\n')[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Significant differences", text, StringComparison.Ordinal);
        Assert.DoesNotContain("P(row scores higher", md, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(board.ToJson());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("rows")[0].GetProperty("score_interval").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("pairwise").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("significant").GetArrayLength());
    }

    [Fact]
    public void DifferentStudyCountsAreScoredWithAWarningNamingThem()
    {
        Populate(slowStudies: 2);
        using var o = new StringWriter();
        string js = P("lb.json");
        Assert.Equal(0, CliApp.Run(["leaderboard", "--db", Db, "--json", js], o, new StringWriter()));
        string expected = "warning: the number of studies differs between algorithms or workloads (fast 3, mid 3, slow 2)";
        Assert.Contains(expected, o.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(js));
        Assert.StartsWith(expected, doc.RootElement.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(2, doc.RootElement.GetProperty("bootstrap").GetProperty("min_studies").GetInt32());

        // slow's cells now hold its first two studies: w1 median (30 + 35)/2, and the database is untouched.
        var board = Board();
        Assert.Equal(32.5, board.Rows.Single(r => r.Algorithm == "slow").Workloads.Single(c => c.Workload == "w1").TimeToTargetSeconds);
        Assert.Equal(16, HostedCli.Trials(Db, "nightly").Count);
    }

    [Fact]
    public void RunsOfDifferentPresetsAreNotScoredTogether()
    {
        using (var store = ResultsStore.Open(Db))
        {
            foreach (var (label, preset) in new[] { ("quick", "quick"), ("smoke", "tiny") })
            {
                var run = store.CreateRun(label, "test", 7, "{}");
                store.RecordWorkloadSpec(run.Id, new StoredWorkloadSpec("w1", "validation/error_rate", 0.5, "test/error_rate", 0.55, true, 1000, null, preset));
                ScoringDatabases.Trial(store, run, "adam", "w1", 0, 10, 0.01);
            }
        }

        var (code, output, err) = CliTests.Run(["leaderboard", "--db", Db]);
        Assert.Equal(CliApp.BadInput, code);
        Assert.Equal("", output);
        Assert.Equal("error: runs quick and smoke cannot be scored together: for w1 the preset differs (quick vs tiny); times to different " +
            "targets or under different budgets are not comparable — pick runs of one preset with --run LABEL\n", err);

        // One run at a time scores; nothing was changed by the refusal.
        Assert.Equal(0, CliTests.Run(["leaderboard", "--db", Db, "--run", "smoke"]).Code);
        Assert.Single(HostedCli.Trials(Db, "quick"));
    }

    [Fact]
    public void TheReportDrawsTheIntervalsAndThePairwiseMatrix()
    {
        Populate();
        string html;
        using (var store = ResultsStore.Open(Db, create: false))
        {
            html = HtmlReport.Render(store, store.Runs(), Scoring.TuningRuleset.SelfTuning);
        }

        var board = Board();
        var chart = ReportTests.SvgsOf(html).Single(s => s.Element(SvgChart.Ns + "title")!.Value == "Benchmark score with its bootstrap interval");
        var drawn = chart.Descendants(SvgChart.Ns + "g").Where(g => (string?)g.Attribute("class") == "interval").ToList();
        Assert.Equal(["fast", "mid", "slow"], drawn.Select(g => g.Attribute("data-series")!.Value));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(board.Rows[i].Interval.ScoreLower, double.Parse(drawn[i].Attribute("data-lower")!.Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(board.Rows[i].Interval.ScoreUpper, double.Parse(drawn[i].Attribute("data-upper")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(6, System.Text.RegularExpressions.Regex.Count(html, "<td class=\"p\""));
        Assert.Contains("data-p=\"1\" style=\"background:rgb(135,195,255)\"><b>1.000</b>", html, StringComparison.Ordinal);
        Assert.Contains("fast &gt; slow (p = 0.005, Holm 0.015)", html, StringComparison.Ordinal);
        Assert.Contains("50 steps", html, StringComparison.Ordinal);
    }
}
