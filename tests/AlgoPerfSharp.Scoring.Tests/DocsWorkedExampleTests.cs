using System.Globalization;
using static AlgoPerfSharp.Scoring.Tests.BootstrapCases;
using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>
/// The worked example of docs/scoring.md ("Intervals, ranks and significance"), computed here and checked against the
/// numbers the document quotes, so the document cannot drift from the code.
/// </summary>
public sealed class DocsWorkedExampleTests
{
    /// <summary>The example's per-study times (seconds; ∞ = the study never reached the target).</summary>
    internal static BenchmarkScoringResult Example() => Score(
        ("adamw", "resnet", [10, 12, 15]), ("adamw", "llama", [40, 44, 60]),
        ("muon", "resnet", [9, 13, 20]), ("muon", "llama", [38, 50, 55]),
        ("sgd", "resnet", [30, 34, 41]), ("sgd", "llama", [150, Inf, Inf]));

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public void TheDocumentQuotesWhatTheCodeComputes()
    {
        var result = Example();
        var boot = ScoreBootstrap.Run(result);
        var exact = Exact(result);
        string doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "scoring.md"));

        // Point scores by hand: adamw is fastest on both (1); muon's ratios 13/12 and 50/44 first pass grid points
        // k = 3 and 5, so (Credit(3) + Credit(5))/2 = 191/198; sgd's 34/12 passes k = 61 and its llama median is ∞.
        Assert.Equal(1.0, boot["adamw"].Score);
        Assert.Equal(191.0 / 198, boot["muon"].Score, 1e-12);
        Assert.Equal((Credit(61) + 0) / 2, boot["sgd"].Score, 1e-12);

        var lines = new List<string>();
        foreach (var s in boot.Submissions)
        {
            var ranks = s.RankLower == s.RankUpper ? $"{s.RankLower}" : $"{s.RankLower}–{s.RankUpper}";
            lines.Add($"| {s.Submission} | {F(s.Score, "F4")} | [{F(s.ScoreLower, "F4")}, {F(s.ScoreUpper, "F4")}] | {ranks} |");
        }

        var names = boot.Submissions.Select(s => s.Submission).ToList();
        for (var i = 0; i < names.Count; i++)
        {
            lines.Add($"| {names[i]} | " + string.Join(" | ", names.Select((_, j) =>
                i == j ? "—" : $"{F(boot.ProbabilityHigher[i][j], "F3")} ({F(ExactProbability(exact, i, j), "F3")})")) + " |");
        }

        // The exact and the Monte-Carlo probabilities agree within four standard errors of B = 2000 replicates.
        for (var i = 0; i < names.Count; i++)
        {
            for (var j = 0; j < names.Count; j++)
            {
                var p = ExactProbability(exact, i, j);
                Assert.Equal(p, boot.ProbabilityHigher[i][j], (4 * Math.Sqrt(p * (1 - p) / 2000)) + 1e-12);
            }
        }

        var tests = PairPermutationTest.Run(result);
        lines.Add("| pair | p | Holm-adjusted p |");
        foreach (var t in tests.Pairs)
        {
            lines.Add($"| {t.First} – {t.Second} | {F(t.PValue, "F3")} | {F(t.AdjustedPValue, "F3")} |");
        }

        lines.Add(tests.SignificantDifferences.Count == 0
            ? "Significant (Holm-adjusted p ≤ 0.05): none."
            : "Significant (Holm-adjusted p ≤ 0.05): " + string.Join(", ", tests.SignificantDifferences.Select(d => $"{d.Better} > {d.Worse}")) + ".");
        var missing = lines.Where(l => !doc.Contains(l, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/scoring.md does not quote these lines of the worked example:\n" + string.Join('\n', missing));
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "AlgoPerfSharp.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("AlgoPerfSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
