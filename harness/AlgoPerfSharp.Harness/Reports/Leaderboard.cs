using System.Globalization;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>One algorithm's line of the leaderboard.</summary>
/// <param name="Algorithm">Algorithm (submission) name.</param>
/// <param name="Score">AlgoPerf benchmark score in [0, 1], relative to the algorithms scored together.</param>
/// <param name="Workloads">Per workload: time- and steps-to-target, ratio to the fastest, trials reaching target.</param>
/// <param name="MedianStepSeconds">Median over its trials of the median update-step time.</param>
/// <param name="Interval">Its score and rank with their bootstrap intervals over studies (meaningful only when
/// <see cref="LeaderboardResult.IsReplicated"/>).</param>
public sealed record LeaderboardRow(
    string Algorithm, double Score, IReadOnlyList<LeaderboardCell> Workloads, double MedianStepSeconds, SubmissionInterval Interval);

/// <summary>One (algorithm, workload) cell.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="TimeToTargetSeconds">Median over studies of the time to the validation target (∞ if not reached).</param>
/// <param name="Ratio">Time / fastest algorithm's time on this workload after AlgoPerf's 4× cut (∞ if no credit).</param>
/// <param name="TrialsReachingTarget">Trials that met the target within the budget.</param>
/// <param name="Trials">Trials run.</param>
/// <param name="StepsToTarget">Median over studies of the global step at the first eval meeting the target (∞ if not reached).</param>
/// <param name="Studies">Studies the cell's medians are taken over.</param>
public sealed record LeaderboardCell(
    string Workload, double TimeToTargetSeconds, double Ratio, int TrialsReachingTarget, int Trials, double StepsToTarget, int Studies);

/// <summary>The leaderboard of a results database: AlgoPerf scoring over stored eval rows (no libtorch needed).</summary>
/// <param name="Ruleset">The ruleset scored.</param>
/// <param name="Runs">Run labels included.</param>
/// <param name="Workloads">Workloads scored (base and variants).</param>
/// <param name="Rows">Algorithms, best score first.</param>
/// <param name="Bootstrap">Score and rank intervals and the pairwise probabilities (<see cref="ScoreBootstrap"/>).</param>
/// <param name="Tests">Which pairs differ significantly (<see cref="PairPermutationTest"/>: exact permutation tests, Holm-corrected).</param>
/// <param name="Resolution">Eval period ÷ median time-to-target per workload.</param>
public sealed record LeaderboardResult(
    TuningRuleset Ruleset,
    IReadOnlyList<string> Runs,
    IReadOnlyList<string> Workloads,
    IReadOnlyList<LeaderboardRow> Rows,
    ScoreBootstrapResult Bootstrap,
    PairTestsResult Tests,
    IReadOnlyList<WorkloadResolution> Resolution)
{
    /// <summary>The caveat every leaderboard carries.</summary>
    public const string Caveat =
        "Scores are relative: each is computed only over the algorithms scored together here (ratios to the fastest of them), so they are not comparable across leaderboards.";

    /// <summary>What a cell shows.</summary>
    public const string CellLegend =
        "Time = median over studies of the submission time at the first eval meeting the validation target; steps = the same median of the global step at that eval; ratio = time / fastest; hits = trials reaching the target / trials.";

    /// <summary>True when every (algorithm, workload) cell has ≥ 2 studies, so intervals and significance mean something.</summary>
    public bool IsReplicated => Bootstrap.IsReplicated;

    /// <summary>Scores the trials of <paramref name="runs"/> under <paramref name="ruleset"/>.</summary>
    public static LeaderboardResult Compute(ResultsStore store, IReadOnlyList<StoredRun> runs, TuningRuleset ruleset) =>
        From(ScoringInput.Load(store, runs, ruleset));

    /// <summary>Scores loaded trials (the leaderboard the report shows).</summary>
    internal static LeaderboardResult From(ScoringInput input) => From(input, input.Score());

    /// <summary>The leaderboard of an already computed scoring result over <paramref name="input"/>.</summary>
    internal static LeaderboardResult From(ScoringInput input, BenchmarkScoringResult result)
    {
        var bootstrap = ScoreBootstrap.Run(result);
        var tests = PairPermutationTest.Run(result);
        var rows = result.Profile.Submissions.Select(p => new LeaderboardRow(
            p.Submission,
            p.Score,
            p.Workloads.Concat(p.Variants).Select(c =>
            {
                var tt = result.Times.FirstOrDefault(x => x.Submission == p.Submission && x.Workload == c.Workload);
                return new LeaderboardCell(
                    c.Workload, tt?.ValidationSeconds ?? double.PositiveInfinity, c.Ratio, tt?.TrialsReachingTarget ?? 0, tt?.TrialCount ?? 0,
                    tt?.ValidationSteps ?? double.PositiveInfinity, tt is null ? 0 : tt.Studies.Count + tt.MissingStudies);
            }).ToList(),
            ScoringInput.MedianStep(input.Trials.Where(t => t.Stored.Algorithm == p.Submission)),
            bootstrap[p.Submission]))
            .OrderByDescending(r => r.Score).ThenBy(r => r.Algorithm, StringComparer.Ordinal).ToList();
        return new LeaderboardResult(
            input.Ruleset.Kind, input.Runs.Select(r => r.Label).ToList(), input.Specs.Select(s => s.Name).ToList(), rows, bootstrap, tests,
            WorkloadResolution.Of(input, result));
    }

    /// <summary>What a reader must know about the input, one line each: today, study counts that differ between cells
    /// (scored, each median and interval over the studies present).</summary>
    public IReadOnlyList<string> Warnings => WarningLines(n => n);

    /// <summary><see cref="Warnings"/> with every name passed through <paramref name="name"/>.</summary>
    internal IReadOnlyList<string> WarningLines(Func<string, string> name) => !Bootstrap.StudyCountsDiffer
        ? []
        : ["warning: the number of studies differs between algorithms or workloads (" +
            string.Join(", ", Rows.Select(r => $"{name(r.Algorithm)} {Range(r.Interval.MinStudies, r.Interval.MaxStudies)}")) +
            "): every median and interval uses the studies present, and cells with fewer studies get wider intervals; " +
            "re-run the missing studies (the same sweep command resumes) to compare like with like"];

    /// <summary>A GitHub-flavoured markdown table, the pairwise matrix, the significant differences and the footer.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# AlgoPerfSharp leaderboard ({Ruleset.Key()} tuning; runs: {string.Join(", ", Runs.Select(Name))})\n\n");
        foreach (var w in WarningLines(Name)) sb.Append("> ").Append(w).Append("\n\n");
        sb.Append("| rank | algorithm | score |");
        if (IsReplicated) sb.Append(CultureInfo.InvariantCulture, $" {Pct(Bootstrap.Options.Confidence)} interval | rank interval |");
        foreach (var w in Workloads) sb.Append(CultureInfo.InvariantCulture, $" {Name(w)} (time · steps · ratio · hits) |");
        sb.Append(" median step |\n|---:|---|---:|");
        if (IsReplicated) sb.Append("---:|---:|");
        foreach (var _ in Workloads) sb.Append("---:|");
        sb.Append("---:|\n");
        int rank = 1;
        foreach (var r in Rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {rank++} | {Name(r.Algorithm)} | {r.Score:F4} |");
            if (IsReplicated) sb.Append(' ').Append(ScoreInterval(r)).Append(" | ").Append(RankInterval(r)).Append(" |");
            foreach (var w in Workloads) sb.Append(' ').Append(Cell(r, w)).Append(" |");
            sb.Append(' ').Append(Ms(r.MedianStepSeconds)).Append(" |\n");
        }

        sb.Append('\n');
        if (IsReplicated)
        {
            sb.Append("P(row scores higher than column), over the bootstrap replicates (bold: the pair differs significantly, see below):\n\n| | ");
            sb.Append(string.Join(" | ", Rows.Select(r => Name(r.Algorithm)))).Append(" |\n|---|");
            foreach (var _ in Rows) sb.Append("---:|");
            sb.Append('\n');
            foreach (var a in Rows)
            {
                sb.Append("| ").Append(Name(a.Algorithm)).Append(" |");
                foreach (var b in Rows)
                {
                    double p = Bootstrap.Probability(a.Algorithm, b.Algorithm);
                    string text = a == b ? "—" : P(p);
                    sb.Append(' ').Append(a != b && Tests.IsSignificant(a.Algorithm, b.Algorithm) ? $"**{text}**" : text).Append(" |");
                }

                sb.Append('\n');
            }

            sb.Append('\n');
        }

        foreach (var line in Footer(Name)) sb.Append(line).Append("\n\n");
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>A plain-text table for the terminal, with the significant differences and the footer.</summary>
    public string ToText()
    {
        var header = new List<string> { "#", "algorithm", "score" };
        if (IsReplicated) header.AddRange([$"{Pct(Bootstrap.Options.Confidence)} interval", "rank"]);
        header.AddRange(Workloads.Select(TerminalName));
        header.Add("median step");
        var lines = new List<List<string>> { header };
        int rank = 1;
        foreach (var r in Rows)
        {
            var l = new List<string> { (rank++).ToString(CultureInfo.InvariantCulture), TerminalName(r.Algorithm), r.Score.ToString("F4", CultureInfo.InvariantCulture) };
            if (IsReplicated) l.AddRange([ScoreInterval(r), RankInterval(r)]);
            l.AddRange(Workloads.Select(w => Cell(r, w)));
            l.Add(Ms(r.MedianStepSeconds));
            lines.Add(l);
        }

        var widths = Enumerable.Range(0, header.Count).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(string.Join("  ", l.Select((c, i) => i <= 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd()).Append('\n');
        sb.Append("cells: time · steps · ratio · hits\n");
        foreach (var w in WarningLines(TerminalName)) sb.Append(w).Append('\n');
        foreach (var line in Footer(TerminalName)) sb.Append(line).Append('\n');
        return sb.ToString();
    }

    /// <summary>JSON for tooling (∞ written as null; intervals and probabilities null without ≥ 2 studies per cell).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        ruleset = Ruleset.Key(),
        runs = Runs,
        workloads = Workloads,
        caveat = Caveat,
        warnings = Warnings,
        bootstrap = new
        {
            resampling_unit = "study, with replacement, within each (algorithm, workload) cell",
            replicates = Bootstrap.Options.Replicates,
            seed = Bootstrap.Options.Seed,
            confidence = Bootstrap.Options.Confidence,
            min_studies = Bootstrap.MinStudies,
            max_studies = Bootstrap.MaxStudies,
            replicated = IsReplicated,
            note = IsReplicated ? null : IntervalsNeedStudies,
        },
        rows = Rows.Select(r => new
        {
            algorithm = r.Algorithm,
            score = r.Score,
            score_interval = IsReplicated ? new { lower = r.Interval.ScoreLower, upper = r.Interval.ScoreUpper } : null,
            rank = r.Interval.Rank,
            rank_interval = IsReplicated ? new { best = r.Interval.RankLower, worst = r.Interval.RankUpper } : null,
            median_step_seconds = Finite(r.MedianStepSeconds),
            workloads = r.Workloads.Select(c => new
            {
                workload = c.Workload,
                time_to_target_seconds = Finite(c.TimeToTargetSeconds),
                steps_to_target = Finite(c.StepsToTarget),
                ratio = Finite(c.Ratio),
                trials_reaching_target = c.TrialsReachingTarget,
                trials = c.Trials,
                studies = c.Studies,
            }),
        }),
        pairwise = IsReplicated
            ? new
            {
                algorithms = Rows.Select(r => r.Algorithm),
                probability_row_scores_higher = Rows.Select(a => Rows.Select(b => Bootstrap.Probability(a.Algorithm, b.Algorithm))),
            }
            : null,
        pair_tests = new
        {
            method = "exact two-sided stratified permutation (rank) test over studies, workloads as strata; Holm-corrected over all pairs (docs/scoring.md)",
            alpha = Tests.Options.Alpha,
            pairs = Tests.Pairs.Select(t => new
            {
                first = t.First,
                second = t.Second,
                score_difference = t.ScoreDifference,
                statistic = t.Statistic,
                p_value = t.PValue,
                adjusted_p_value = t.AdjustedPValue,
                relabellings = t.Relabellings,
                exact = t.Exact,
            }),
        },
        significant = Tests.SignificantDifferences.Select(d => new
        {
            better = d.Better,
            worse = d.Worse,
            p_value = d.PValue,
            adjusted_p_value = d.AdjustedPValue,
            probability = Bootstrap.Probability(d.Better, d.Worse),
        }),
        resolution = Resolution.Select(x => new
        {
            workload = x.Workload,
            eval_period_seconds = Finite(x.EvalPeriodSeconds),
            median_time_to_target_seconds = Finite(x.MedianTimeToTargetSeconds),
            resolution = Finite(x.Resolution),
            coarse = x.IsCoarse,
        }),
    }, Indented);

    /// <summary>Said instead of intervals when a cell has a single study.</summary>
    internal const string IntervalsNeedStudies =
        "Intervals need ≥ 2 studies per algorithm and workload (run the sweep with --studies 3 or more); with one study there is no spread to resample, so none is shown and no difference is called significant.";

    /// <summary>The lines under the table: method, significant differences, resolution, caveat.</summary>
    internal IReadOnlyList<string> Footer(Func<string, string> name)
    {
        var lines = new List<string>();
        var o = Bootstrap.Options;
        if (IsReplicated)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Intervals: {Pct(o.Confidence)} bootstrap over studies ({Range(Bootstrap.MinStudies, Bootstrap.MaxStudies)} per algorithm and workload, resampled with replacement within each; B = {o.Replicates}, seed {o.Seed}); rank interval = best–worst rank over the central {Pct(o.Confidence)} of replicates (docs/scoring.md)."));
            lines.Add(Significance(name));
        }
        else
        {
            lines.Add(IntervalsNeedStudies);
        }

        lines.Add("Resolution (eval period ÷ median time-to-target; the eval period is the median gap between evals; above " +
            Pct(WorkloadResolution.CoarseAbove) + " a cell measures the eval grid more than the optimizer): " +
            string.Join("; ", Resolution.Select(x => $"{name(x.Workload)} {ResolutionText(x)}")) + ".");
        lines.Add(Caveat + " " + CellLegend);
        return lines;
    }

    /// <summary>
    /// The significant differences in words, e.g. "muon > adamw (p = 0.001, Holm 0.028); no other difference is
    /// significant", and, when none is, the smallest uncorrected p-value, so a reader sees how far the data are from it.
    /// </summary>
    internal string Significance(Func<string, string> name)
    {
        var pairs = Tests.SignificantDifferences;
        int total = Tests.Pairs.Count;
        string rule = string.Create(CultureInfo.InvariantCulture,
            $"exact permutation test over studies, Holm-corrected over {total} pair{(total == 1 ? "" : "s")}, family-wise α = {Tests.Options.Alpha:0.###}");
        if (pairs.Count == 0)
        {
            var best = Tests.Pairs.OrderBy(t => t.PValue).FirstOrDefault();
            var closest = best is null ? "" : string.Create(CultureInfo.InvariantCulture,
                $" (the smallest p before correction: {name(best.First)} vs {name(best.Second)}, p = {P(best.PValue)})");
            return $"Significant differences ({rule}): none — no two algorithms can be told apart at this number of studies{closest}.";
        }

        return $"Significant differences ({rule}): " +
            string.Join(", ", pairs.Select(d => string.Create(CultureInfo.InvariantCulture,
                $"{name(d.Better)} > {name(d.Worse)} (p = {P(d.PValue)}, Holm {P(d.AdjustedPValue)})"))) +
            (pairs.Count == total ? "; every pair differs significantly." : "; no other difference is significant.");
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    // Every run, algorithm or workload name written into markdown passes through here (one place to escape it).
    private static string Name(string name) => SafeText.Markdown(name);

    // Every run, algorithm or workload name written to the terminal passes through here (one place to sanitise it).
    private static string TerminalName(string name) => SafeText.Terminal(name);

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static string Range(int min, int max) => min == max
        ? min.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{min}–{max}");

    private static string Pct(double f) => (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string P(double p) => p.ToString("F3", CultureInfo.InvariantCulture);

    private static string ScoreInterval(LeaderboardRow r) =>
        string.Create(CultureInfo.InvariantCulture, $"[{r.Interval.ScoreLower:F4}, {r.Interval.ScoreUpper:F4}]");

    private static string RankInterval(LeaderboardRow r) => Range(r.Interval.RankLower, r.Interval.RankUpper);

    private static string ResolutionText(WorkloadResolution x)
    {
        if (double.IsNaN(x.EvalPeriodSeconds)) return "n/a (no trial logged two evals)";
        string period = x.EvalPeriodSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
        if (double.IsNaN(x.MedianTimeToTargetSeconds)) return $"{period} ÷ n/a (no algorithm reached the target)";
        return string.Create(CultureInfo.InvariantCulture,
            $"{period} ÷ {x.MedianTimeToTargetSeconds:F1} s = {x.Resolution * 100:F1} %{(x.IsCoarse ? " (coarse)" : "")}");
    }

    internal static string Cell(LeaderboardRow r, string workload)
    {
        var c = r.Workloads.FirstOrDefault(x => x.Workload == workload);
        if (c is null) return "—";
        string t = double.IsFinite(c.TimeToTargetSeconds) ? c.TimeToTargetSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "∞";
        string steps = double.IsFinite(c.StepsToTarget) ? c.StepsToTarget.ToString("0.#", CultureInfo.InvariantCulture) : "∞";
        string ratio = double.IsFinite(c.Ratio) ? c.Ratio.ToString("F2", CultureInfo.InvariantCulture) + "×" : "∞";
        return $"{t} · {steps} steps · {ratio} · {c.TrialsReachingTarget}/{c.Trials}";
    }

    internal static string Ms(double seconds) =>
        double.IsFinite(seconds) ? (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture) + " ms" : "—";
}
