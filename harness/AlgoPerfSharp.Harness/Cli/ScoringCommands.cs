using System.CommandLine;
using System.Globalization;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Harness.Results;
using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>report</c> and <c>compare</c> commands (scoring over stored results; no libtorch needed).</summary>
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

    private static Option<string> RulesetOption()
    {
        var o = new Option<string>("--ruleset") { Description = "self (self-tuning, default) or external (external tuning).", DefaultValueFactory = _ => "self" };
        o.AcceptOnlyFromAmong("self", "external");
        return o;
    }

    private static TuningRuleset Tuning(string? key) => key == "external" ? TuningRuleset.ExternalTuning : TuningRuleset.SelfTuning;

    private static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
