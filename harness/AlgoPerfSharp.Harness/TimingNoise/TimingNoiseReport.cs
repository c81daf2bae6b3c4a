using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.TimingNoise;

/// <summary>
/// The timing-noise experiment read from a results database: each run is one A/A repetition of the same small sweep
/// (one trial per workload × algorithm), in the idle condition or beside the noisy neighbour; per cell and figure, the
/// coefficients of variation across repetitions (<see cref="TimingStatistics"/>), and, when both conditions are given,
/// the decision rule per candidate figure (<see cref="TimingNoiseDecision"/>). Method: docs/timing-noise.md.
/// </summary>
/// <param name="ProbeReference">The idle reference probe time in seconds (the fastest probe of all the runs), or null.</param>
/// <param name="IdleRuns">Labels of the idle repetitions.</param>
/// <param name="NeighbourRuns">Labels of the repetitions beside the neighbour.</param>
/// <param name="Cells">Every condition × workload × algorithm × figure.</param>
/// <param name="Decisions">The rule's outcome per candidate (empty without neighbour runs).</param>
public sealed record TimingNoiseReport(
    double? ProbeReference, IReadOnlyList<string> IdleRuns, IReadOnlyList<string> NeighbourRuns,
    IReadOnlyList<TimingNoiseCell> Cells, IReadOnlyList<TimingNoiseDecision> Decisions)
{
    /// <summary>Condition name of the idle repetitions.</summary>
    public const string Idle = "idle";

    /// <summary>Condition name of the repetitions beside the neighbour.</summary>
    public const string Neighbour = "neighbour";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Reads <paramref name="idle"/> and <paramref name="neighbour"/> (either may be empty, not both) from
    /// <paramref name="store"/>. Throws <see cref="ArgumentException"/> (one line) when a run holds more than one trial of
    /// a workload × algorithm (it is not one repetition) or lacks a workload's recorded constants.
    /// </summary>
    public static TimingNoiseReport Compute(ResultsStore store, IReadOnlyList<StoredRun> idle, IReadOnlyList<StoredRun> neighbour)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(neighbour);
        if (idle.Count + neighbour.Count == 0) throw new ArgumentException("no runs given");
        var repetitions = new List<(string Condition, Dictionary<(string W, string A), (StoredWorkloadSpec Spec, IReadOnlyList<StoredEval> Rows)> Trials)>();
        foreach (var (runs, condition) in new[] { (idle, Idle), (neighbour, Neighbour) })
        {
            foreach (var run in runs) repetitions.Add((condition, Load(store, run)));
        }

        double? reference = TimingStatistics.IdleReference(repetitions.SelectMany(r => r.Trials.Values).SelectMany(t => t.Rows).Select(e => e.ProbeSeconds));
        var cells = new List<TimingNoiseCell>();
        foreach (string condition in new[] { Idle, Neighbour })
        {
            var reps = repetitions.Where(r => r.Condition == condition).Select(r => r.Trials).ToList();
            foreach (var key in reps.SelectMany(r => r.Keys).Distinct().OrderBy(k => k.W, StringComparer.Ordinal).ThenBy(k => k.A, StringComparer.Ordinal))
            {
                var trials = reps.Where(r => r.ContainsKey(key)).Select(r => r[key]).ToList();
                foreach (var figure in Enum.GetValues<TimingFigure>())
                {
                    var ttt = new List<double>();
                    var steps = new List<double>();
                    int reached = 0;
                    foreach (var (spec, rows) in trials)
                    {
                        if (rows.Any(spec.MeetsValidationTarget)) reached++;
                        if (TimingStatistics.Cumulative(rows, figure, reference) is not { } series) continue;
                        if (TimingStatistics.TimeToTarget(rows, series, spec.MeetsValidationTarget) is { } t) ttt.Add(t);
                        if (TimingStatistics.StepSeconds(rows, series) is { } s) steps.Add(s);
                    }

                    cells.Add(new TimingNoiseCell(condition, key.W, key.A, figure, trials.Count, reached,
                        TimingStatistics.CoefficientOfVariation(ttt), TimingStatistics.CoefficientOfVariation(steps),
                        ttt.Count > 0 ? ttt.Average() : null, steps.Count > 0 ? steps.Average() : null));
                }
            }
        }

        var decisions = neighbour.Count == 0 ? [] : new[] { TimingFigure.CpuTime, TimingFigure.ProbeNormalised }.Select(f => Decide(cells, f)).ToList();
        return new TimingNoiseReport(reference, idle.Select(r => r.Label).ToList(), neighbour.Select(r => r.Label).ToList(), cells, decisions);
    }

    // Mean CV of the candidate ÷ mean CV of the wall clock under the neighbour, over the cells where both are defined.
    private static TimingNoiseDecision Decide(IReadOnlyList<TimingNoiseCell> cells, TimingFigure figure)
    {
        var noisy = cells.Where(c => c.Condition == Neighbour).ToList();
        var pairs = noisy.Where(c => c.Figure == figure)
            .Select(c => (Candidate: c, Wall: noisy.Single(w => w.Figure == TimingFigure.WallClock && w.Workload == c.Workload && w.Algorithm == c.Algorithm)))
            .ToList();
        var ttt = pairs.Where(p => p.Candidate.TimeToTargetCv is not null && p.Wall.TimeToTargetCv is not null).ToList();
        var step = pairs.Where(p => p.Candidate.StepCv is not null && p.Wall.StepCv is not null).ToList();
        return new TimingNoiseDecision(figure, ttt.Count,
            Ratio(ttt.Select(p => p.Candidate.TimeToTargetCv!.Value), ttt.Select(p => p.Wall.TimeToTargetCv!.Value)),
            Ratio(step.Select(p => p.Candidate.StepCv!.Value), step.Select(p => p.Wall.StepCv!.Value)));

        static double? Ratio(IEnumerable<double> candidate, IEnumerable<double> wall)
        {
            var c = candidate.ToList();
            var w = wall.ToList();
            return c.Count == 0 || !(w.Average() > 0) ? null : c.Average() / w.Average();
        }
    }

    private static Dictionary<(string W, string A), (StoredWorkloadSpec Spec, IReadOnlyList<StoredEval> Rows)> Load(ResultsStore store, StoredRun run)
    {
        var specs = store.WorkloadSpecs(run.Id).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var trials = new Dictionary<(string W, string A), (StoredWorkloadSpec, IReadOnlyList<StoredEval>)>();
        foreach (var group in store.Trials(run.Id).GroupBy(t => (t.Workload, t.Algorithm)))
        {
            string cell = $"{SafeText.Terminal(group.Key.Workload)} × {SafeText.Terminal(group.Key.Algorithm)}";
            if (group.Count() > 1)
            {
                throw new ArgumentException($"run '{SafeText.Terminal(run.Label)}' has {group.Count()} trials of {cell}; timing-noise treats each run as one repetition " +
                    "and needs one trial per workload and algorithm (sweep with --studies 1 --trials 1)");
            }

            if (!specs.TryGetValue(group.Key.Workload, out var spec))
            {
                throw new ArgumentException($"run '{SafeText.Terminal(run.Label)}' has no recorded constants (target) for workload {SafeText.Terminal(group.Key.Workload)}; it cannot be analysed");
            }

            trials[group.Key] = (spec, store.Evals(group.Single().Id));
        }

        return trials;
    }

    /// <summary>The report as indented JSON (figures as names, missing values as null).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as Markdown: one table per condition, then the decision rule's outcome.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Timing noise: coefficient of variation across A/A repetitions");
        sb.AppendLine();
        sb.AppendLine(ProbeReference is { } r
            ? Invariant($"Idle reference probe: {r * 1000:F2} ms (the fastest probe of these runs). CV = sample standard deviation ÷ mean.")
            : "No probe times recorded (rows from before schema 3): the probe-normalised figure is unavailable.");
        foreach (var (condition, runs) in new[] { (Idle, IdleRuns), (Neighbour, NeighbourRuns) })
        {
            if (runs.Count == 0) continue;
            sb.AppendLine();
            sb.AppendLine($"## {(condition == Idle ? "Idle machine" : "With the noisy neighbour")} ({runs.Count} repetitions: {string.Join(", ", runs.Select(SafeText.Terminal))})");
            sb.AppendLine();
            sb.AppendLine("| workload | algorithm | reached | TTT CV wall | TTT CV cpu | TTT CV probe-norm | step CV wall | step CV cpu | step CV probe-norm |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var g in Cells.Where(c => c.Condition == condition).GroupBy(c => (c.Workload, c.Algorithm)))
            {
                var byFigure = g.ToDictionary(c => c.Figure);
                var wall = byFigure[TimingFigure.WallClock];
                sb.Append(CultureInfo.InvariantCulture, $"| {SafeText.Terminal(g.Key.Workload)} | {SafeText.Terminal(g.Key.Algorithm)} | {wall.Reached}/{wall.Repetitions} |");
                foreach (var f in Enum.GetValues<TimingFigure>()) sb.Append(' ').Append(Percent(byFigure[f].TimeToTargetCv)).Append(" |");
                foreach (var f in Enum.GetValues<TimingFigure>()) sb.Append(' ').Append(Percent(byFigure[f].StepCv)).Append(" |");
                sb.AppendLine();
            }
        }

        sb.AppendLine();
        sb.AppendLine("## Decision rule");
        sb.AppendLine();
        if (Decisions.Count == 0)
        {
            sb.AppendLine("Not applied: no repetitions with the neighbour were given (--noisy-run).");
            return sb.ToString();
        }

        sb.AppendLine(Invariant($"A candidate ships only if, with the neighbour, its mean CV is at most {TimingNoiseDecision.Threshold:0.##} × the wall clock's, for time-to-target and for step time."));
        sb.AppendLine();
        foreach (var d in Decisions)
        {
            string name = d.Figure == TimingFigure.CpuTime ? "CPU time" : "probe-normalised time";
            sb.AppendLine(Invariant($"- {name}: CV ratio to wall clock {Ratio(d.TimeToTargetRatio)} (time-to-target, {d.Cells} cells), {Ratio(d.StepRatio)} (step time) → ") +
                (d.TimeToTargetRatio is null || d.StepRatio is null ? "UNMEASURED (too few repetitions reached the target)" : d.Ships ? "SHIPS" : "does not ship"));
        }

        return sb.ToString();

        static string Percent(double? cv) => cv is { } v ? Invariant($"{v * 100:F1} %") : "–";
        static string Ratio(double? x) => x is { } v ? Invariant($"{v:F2}") : "–";
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
