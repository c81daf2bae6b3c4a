using System.CommandLine;
using System.Globalization;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>report</c>, <c>compare</c> and <c>agreement</c> commands (scoring over stored results; no libtorch needed).</summary>
internal static class ScoringCommands
{
    /// <summary>Exit code of <c>compare</c> when any verdict is a regression.</summary>
    public const int Regression = 1;

    /// <summary><c>algoperf report</c>: the self-contained HTML report.</summary>
    public static Command ReportCommand()
    {
        var db = new Option<string>("--db") { Description = $"Results database (SQLite). Default: {CliApp.DefaultDatabase}.", DefaultValueFactory = _ => CliApp.DefaultDatabase };
        var runs = new Option<string[]>("--run") { Description = "Report only these run labels (repeatable). Default: every run in the database." };
        var ruleset = RulesetOption();
        var output = new Option<string>("--out", "-o") { Description = "HTML file to write. Default: report.html.", DefaultValueFactory = _ => "report.html" };
        var cmd = new Command("report", """
            Write one self-contained HTML file (inline SVG charts, no script, no network) with the environment of the
            runs, the leaderboard, the performance-profile curves ρ(τ), validation metric vs submission time per
            workload (target line drawn), median step times, and the optimizer diagnostics logged with the evals.
            Example: algoperf report --db algoperf.db --run nightly --out report.html
            """) { db, runs, ruleset, output };
        cmd.SetAction(parse =>
        {
            using var store = ResultsStore.OpenReadOnly(parse.GetValue(db)!);
            var selected = SelectRuns(store, parse.GetValue(runs) ?? []);
            string html;
            try
            {
                html = HtmlReport.Render(store, selected, Tuning(parse.GetValue(ruleset)));
            }
            catch (ArgumentException e)
            {
                return Unscorable(parse.InvocationConfiguration.Error, e);
            }

            string path = parse.GetValue(output)!;
            File.WriteAllText(path, html);
            int charts = CountOf(html, "<svg ");
            parse.InvocationConfiguration.Output.WriteLine($"wrote {path}: {charts} charts, {System.Text.Encoding.UTF8.GetByteCount(html) / 1024.0:F0} KiB, runs {string.Join(", ", selected.Select(r => r.Label))}");
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary><c>algoperf compare</c>: release-to-release regression verdicts; exit 1 on a regression.</summary>
    public static Command CompareCommand()
    {
        var baseline = new Argument<string>("BASELINE") { Description = "Baseline results database." };
        var candidate = new Argument<string?>("CANDIDATE") { Description = "Candidate results database (omit to compare two runs of BASELINE).", Arity = ArgumentArity.ZeroOrOne };
        var baselineRun = new Option<string?>("--baseline-run") { Description = "Baseline run label. Default: every run of the baseline database." };
        var candidateRun = new Option<string?>("--candidate-run") { Description = "Candidate run label. Default: every run of the candidate database." };
        var ruleset = RulesetOption();
        var alpha = new Option<double>("--alpha") { Description = "Significance level α of each one-sided test, in (0, 0.5).", DefaultValueFactory = _ => 0.05 };
        var effect = new Option<double>("--min-effect") { Description = "Minimum relative effect δ worth a verdict, in [0, 1); 0.05 = 5%.", DefaultValueFactory = _ => 0.05 };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the markdown table to this file (e.g. for a CI job summary)." };
        var json = new Option<string?>("--json") { Description = "Also write the comparison as JSON to this file." };
        var cmd = new Command("compare", """
            Compare a candidate release's results against a baseline's: per (workload, algorithm) in both, the time-to-target
            ratio and the step-time ratio over seeds, with a noise-aware verdict (one-sided Mann–Whitney U tests at α, a
            minimum effect δ, Hodges–Lehmann ratio with its interval). Prints a markdown table.
            Both sides must have run each shared workload at the same preset with the same target and budget (otherwise
            a one-line error names the difference). Exit code: 0 no regression, 1 a regression, 2 bad input or an output
            file that cannot be written.
            Examples: algoperf compare old.db new.db --markdown compare.md
                      algoperf compare results.db --baseline-run v0.1 --candidate-run v0.2
            """) { baseline, candidate, baselineRun, candidateRun, ruleset, alpha, effect, markdown, json };
        cmd.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            ComparisonOptions options;
            try
            {
                options = new ComparisonOptions(parse.GetValue(alpha), parse.GetValue(effect));
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"error: --alpha must be in (0, 0.5) and --min-effect in [0, 1) ({e.Message})");
                return CliApp.BadInput;
            }

            string basePath = parse.GetValue(baseline)!;
            string? candPath = parse.GetValue(candidate);
            string? bLabel = parse.GetValue(baselineRun), cLabel = parse.GetValue(candidateRun);
            if (candPath is null && (bLabel is null || cLabel is null))
            {
                error.WriteLine("error: compare needs two databases (algoperf compare BASELINE CANDIDATE), or one database with both --baseline-run and --candidate-run");
                return CliApp.BadInput;
            }

            using var bStore = ResultsStore.OpenReadOnly(basePath);
            using var cStore = candPath is null ? null : ResultsStore.OpenReadOnly(candPath);
            var candStore = cStore ?? bStore;
            var bRuns = SelectRuns(bStore, bLabel is null ? [] : [bLabel]);
            var cRuns = SelectRuns(candStore, cLabel is null ? [] : [cLabel]);
            ReleaseComparisonReport report;
            try
            {
                report = ReleaseComparisonReport.Compute(bStore, bRuns, candStore, cRuns, Tuning(parse.GetValue(ruleset)), options);
            }
            catch (ArgumentException e)
            {
                return Unscorable(error, e);
            }

            string md = report.ToMarkdown();
            parse.InvocationConfiguration.Output.Write(md);
            if (parse.GetValue(markdown) is { } mdPath) File.WriteAllText(mdPath, md);
            if (parse.GetValue(json) is { } jsPath) File.WriteAllText(jsPath, report.ToJson());
            return report.HasRegression ? Regression : CliApp.Ok;
        });
        return cmd;
    }

    /// <summary><c>algoperf agreement</c>: how well two leaderboards (e.g. two runs of one commit) agree.</summary>
    public static Command AgreementCommand()
    {
        var first = new Argument<string>("FIRST") { Description = "Results database of the first leaderboard." };
        var second = new Argument<string?>("SECOND") { Description = "Results database of the second (omit to use two runs of FIRST).", Arity = ArgumentArity.ZeroOrOne };
        var firstRun = new Option<string?>("--first-run") { Description = "Run label of the first leaderboard. Default: every run of FIRST." };
        var secondRun = new Option<string?>("--second-run") { Description = "Run label of the second leaderboard. Default: every run of SECOND." };
        var ruleset = RulesetOption();
        var cmd = new Command("agreement", """
            Score two sets of runs separately (each a leaderboard with bootstrap intervals over studies) and say how well
            they agree over the algorithms both scored: Kendall's τ-b between the two rankings, how many algorithms'
            score intervals overlap, and whether every pair one leaderboard calls significantly different keeps its
            order in the other. Use it to show that a ranking reproduces, e.g. two runs of the quick plan on one commit.
            Exit code: 0 (informational), 2 bad input. Method: docs/scoring.md.
            Example: algoperf agreement results/quick.db --first-run quick --second-run quick-again
            """) { first, second, firstRun, secondRun, ruleset };
        cmd.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            string firstPath = parse.GetValue(first)!;
            string? secondPath = parse.GetValue(second);
            string? aLabel = parse.GetValue(firstRun), bLabel = parse.GetValue(secondRun);
            if (secondPath is null && (aLabel is null || bLabel is null))
            {
                error.WriteLine("error: agreement needs two databases (algoperf agreement FIRST SECOND), or one database with both --first-run and --second-run");
                return CliApp.BadInput;
            }

            using var aStore = ResultsStore.Open(firstPath, create: false);
            using var bOwn = secondPath is null ? null : ResultsStore.Open(secondPath, create: false);
            var bStore = bOwn ?? aStore;
            var aRuns = SelectRuns(aStore, aLabel is null ? [] : [aLabel]);
            var bRuns = SelectRuns(bStore, bLabel is null ? [] : [bLabel]);
            LeaderboardResult a, b;
            try
            {
                a = LeaderboardResult.Compute(aStore, aRuns, Tuning(parse.GetValue(ruleset)));
                b = LeaderboardResult.Compute(bStore, bRuns, Tuning(parse.GetValue(ruleset)));
            }
            catch (ArgumentException e)
            {
                return Unscorable(error, e);
            }

            var agreement = RankingAgreement.Compare(a.Bootstrap, a.Tests, b.Bootstrap, b.Tests);
            if (agreement.Algorithms.Count < 2)
            {
                error.WriteLine($"error: the two leaderboards have {agreement.Algorithms.Count} algorithm(s) in common; agreement needs at least two");
                return CliApp.BadInput;
            }

            parse.InvocationConfiguration.Output.Write(AgreementText(
                $"{Path.GetFileName(aStore.Path)} run(s) {string.Join(", ", aRuns.Select(r => r.Label))}",
                $"{Path.GetFileName(bStore.Path)} run(s) {string.Join(", ", bRuns.Select(r => r.Label))}",
                agreement));
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>The agreement in words, one fact per line.</summary>
    internal static string AgreementText(string first, string second, RankingAgreementResult r)
    {
        var o = new System.Text.StringBuilder();
        string F3(double v) => double.IsNaN(v) ? "undefined (one ranking ties every algorithm)" : v.ToString("F3", CultureInfo.InvariantCulture);
        o.Append(CultureInfo.InvariantCulture, $"first: {first}; second: {second}; {r.Algorithms.Count} algorithms in both: {string.Join(", ", r.Algorithms)}\n");
        o.Append(CultureInfo.InvariantCulture, $"Kendall τ-b of the two rankings: {F3(r.KendallTau)}\n");
        if (!r.BothReplicated)
        {
            o.Append(LeaderboardResult.IntervalsNeedStudies).Append(" Only τ is compared.\n");
            return o.ToString();
        }

        var apart = r.Algorithms.Except(r.OverlappingIntervals).ToList();
        o.Append(CultureInfo.InvariantCulture, $"score intervals that overlap: {r.OverlappingIntervals.Count} of {r.Algorithms.Count}{(apart.Count == 0 ? "" : $" (not: {string.Join(", ", apart)})")}\n");
        static string Pairs(IReadOnlyList<SignificantDifference> pairs) =>
            string.Join(", ", pairs.Select(d => $"{d.Better} > {d.Worse} (Holm p = {d.AdjustedPValue.ToString("F3", CultureInfo.InvariantCulture)})"));
        o.Append(CultureInfo.InvariantCulture, $"significant pairs of the first kept in the second: {r.FirstSignificant - r.FirstNotKept.Count} of {r.FirstSignificant}{(r.FirstNotKept.Count == 0 ? "" : $"; not kept: {Pairs(r.FirstNotKept)}")}\n");
        o.Append(CultureInfo.InvariantCulture, $"significant pairs of the second kept in the first: {r.SecondSignificant - r.SecondNotKept.Count} of {r.SecondSignificant}{(r.SecondNotKept.Count == 0 ? "" : $"; not kept: {Pairs(r.SecondNotKept)}")}\n");
        return o.ToString();
    }

    /// <summary>The runs named by <paramref name="labels"/> (every run when empty), or a clear error.</summary>
    internal static IReadOnlyList<StoredRun> SelectRuns(ResultsStore store, IReadOnlyList<string> labels)
    {
        var all = store.Runs();
        if (all.Count == 0) throw new ResultsStoreException($"{store.Path} is empty: it has no runs (run `algoperf sweep` first, or pass the right database)");
        return labels.Count == 0
            ? all
            : labels.Select(l => all.FirstOrDefault(r => r.Label == l) ?? throw new ResultsStoreException(
                $"{store.Path} has no run labelled '{l}' (it has: {string.Join(", ", all.Select(r => r.Label))})")).ToList();
    }

    // The scoring library rejects corrupt logs (a metric never logged, time going backwards) with ArgumentException.
    private static int Unscorable(TextWriter error, ArgumentException e)
    {
        error.WriteLine("error: the stored results cannot be scored: " + e.Message);
        return CliApp.BadInput;
    }

    /// <summary>The scoring commands' <c>--ruleset</c>: self (the default) or external, read with <see cref="Tuning"/>.</summary>
    internal static Option<string> RulesetOption()
    {
        var o = new Option<string>("--ruleset") { Description = "self (self-tuning, default) or external (external tuning).", DefaultValueFactory = _ => TuningRuleset.SelfTuning.Key() };
        o.AcceptOnlyFromAmong(TuningRuleset.SelfTuning.Key(), TuningRuleset.ExternalTuning.Key());
        return o;
    }

    /// <summary>The ruleset a <see cref="RulesetOption"/> holds (the parser accepted only its keys).</summary>
    internal static TuningRuleset Tuning(string? key) => TuningRulesets.Parse(key);

    private static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
