using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Transfer;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>One stored trial with its eval rows and the scoring library's view of it.</summary>
/// <param name="Stored">The trial as stored.</param>
/// <param name="Evals">Its eval rows in step order.</param>
/// <param name="Record">The same trial as a scoring record.</param>
internal sealed record LoadedTrial(StoredTrial Stored, IReadOnlyList<StoredEval> Evals, TrialRecord Record);

/// <summary>
/// The trials of some runs of one database under one ruleset, converted for the scoring library: shared by the
/// leaderboard, the HTML report and the release comparison so they all score the same rows the same way.
/// </summary>
/// <param name="Ruleset">The scoring rules: the tuning ruleset (<see cref="ScoringRules.Kind"/>), the budget multiplier.</param>
/// <param name="Runs">The runs loaded.</param>
/// <param name="Specs">Scoring specs of the workloads that have trials (every run scored must agree on them).</param>
/// <param name="StoredSpecs">The stored workload constants by workload name.</param>
/// <param name="Trials">Every non-pending trial of the ruleset, in run then key order.</param>
internal sealed record ScoringInput(
    ScoringRules Ruleset,
    IReadOnlyList<StoredRun> Runs,
    IReadOnlyList<WorkloadScoringSpec> Specs,
    IReadOnlyDictionary<string, StoredWorkloadSpec> StoredSpecs,
    IReadOnlyList<LoadedTrial> Trials)
{
    /// <summary>
    /// Loads the trials of <paramref name="runs"/> with control characters in algorithm and workload names replaced
    /// (<see cref="SafeText.Terminal"/>); throws a clear one-line message when there is nothing to score, or when two
    /// runs recorded a workload at different presets or with different constants (targets, budget).
    /// </summary>
    /// <param name="store">The database.</param>
    /// <param name="runs">The runs to load.</param>
    /// <param name="ruleset">The tuning ruleset whose trials are scored.</param>
    /// <param name="firstOfRepeatedLadderTrials">
    /// Where two transfer ladders' runs repeat a trial key (a <c>--set</c> variant of a ladder shares its seeds and keys),
    /// score the first run's trial and count the others in <see cref="RepeatedLadderTrials"/> instead of refusing; the
    /// HTML report does this so that its transfer section can draw every ladder. Other repeats are still refused.
    /// </param>
    public static ScoringInput Load(ResultsStore store, IReadOnlyList<StoredRun> runs, TuningRuleset ruleset, bool firstOfRepeatedLadderTrials = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ResultsStoreException($"{store.Path} has no runs to score (run `algoperf sweep` first)");
        var specs = new Dictionary<string, StoredWorkloadSpec>(StringComparer.Ordinal);
        var trials = new List<LoadedTrial>();
        var runOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var specRun = new Dictionary<string, string>(StringComparer.Ordinal);
        int repeated = 0;
        foreach (var run in runs)
        {
            foreach (var stored in store.WorkloadSpecs(run.Id))
            {
                var s = stored with { Name = SafeText.Terminal(stored.Name) };
                if (specs.TryGetValue(s.Name, out var earlier) && earlier.Difference(s) is { } difference)
                {
                    throw new ResultsStoreException(
                        $"runs {specRun[s.Name]} and {run.Label} cannot be scored together: for {s.Name} {difference}; " +
                        "times to different targets or under different budgets are not comparable — pick runs of one preset with --run LABEL");
                }

                specs[s.Name] = s;
                specRun[s.Name] = run.Label;
            }

            foreach (var stored in store.Trials(run.Id).Where(t => t.Ruleset == ruleset && t.State != TrialState.Pending))
            {
                // Names come from plugins: without control characters they are safe for every table, chart and terminal.
                var t = stored with { Key = SafeText.Terminal(stored.Key), Algorithm = SafeText.Terminal(stored.Algorithm), Workload = SafeText.Terminal(stored.Workload) };
                if (!runOf.TryAdd(t.Key, run.Label))
                {
                    if (firstOfRepeatedLadderTrials && TransferRuns.LadderLabel(runOf[t.Key]) is not null && TransferRuns.LadderLabel(run.Label) is not null)
                    {
                        repeated++;
                        continue;
                    }

                    throw new ResultsStoreException(
                        $"trial {t.Key} is in more than one of the runs scored ({runOf[t.Key]}, {run.Label}); " +
                        "runs that repeat a trial cannot be scored together — pick them with --run LABEL");
                }

                var evals = store.Evals(t.Id);
                var rows = evals.Select(e => new EvalRow(t.Algorithm, t.Workload, t.Study, t.Trial, e.Step, e.SubmissionSeconds, e.Metrics));
                trials.Add(new LoadedTrial(t, evals, new TrialRecord(t.Algorithm, t.Workload, t.Study, t.Trial, t.State, rows)));
            }
        }

        if (trials.Count == 0)
        {
            throw new ResultsStoreException(
                $"{store.Path} has no {ruleset.Key()}-tuning trials in run(s) {string.Join(", ", runs.Select(r => r.Label))} (try --ruleset {(ruleset == TuningRuleset.SelfTuning ? TuningRuleset.ExternalTuning : TuningRuleset.SelfTuning).Key()})");
        }

        var missing = trials.Select(t => t.Stored.Workload).FirstOrDefault(w => !specs.ContainsKey(w));
        if (missing is not null)
        {
            throw new ResultsStoreException($"{store.Path} has trials of workload '{missing}' but no recorded workload constants (targets) for it; re-run the sweep with this version");
        }

        var scoringSpecs = specs.Values.Where(s => trials.Any(t => t.Stored.Workload == s.Name)).Select(s => new WorkloadScoringSpec(
            s.Name, s.TargetMetric, s.ValidationTarget, s.LowerIsBetter ? MetricDirection.LowerIsBetter : MetricDirection.HigherIsBetter,
            s.MaxRuntimeSeconds, s.TestMetric, s.TestTarget, s.VariantOf)).ToList();
        return new ScoringInput(
            ScoringRules.For(ruleset),
            runs,
            scoringSpecs,
            specs,
            trials)
        { RepeatedLadderTrials = repeated };
    }

    /// <summary>Trials left out because an earlier transfer ladder's run had their key (see <see cref="Load"/>); 0 otherwise.</summary>
    public int RepeatedLadderTrials { get; init; }

    /// <summary>
    /// Scores every algorithm together (AlgoPerf's pipeline). Logs the scoring library rejects (a metric never logged,
    /// time going backwards) are a <see cref="ResultsStoreException"/> saying so, for every command that scores.
    /// </summary>
    public BenchmarkScoringResult Score()
    {
        try
        {
            return BenchmarkScoring.Score(Trials.Select(t => t.Record), Specs, Ruleset);
        }
        catch (ArgumentException e)
        {
            throw new ResultsStoreException("the stored results cannot be scored: " + e.Message, e);
        }
    }

    /// <summary>Median over trials of the median step time (trials without a measured step are skipped; NaN if none).</summary>
    public static double MedianStep(IEnumerable<LoadedTrial> trials)
    {
        var steps = trials.Select(t => t.Stored.MedianStepSeconds).Where(s => s > 0).ToList();
        return steps.Count == 0 ? double.NaN : SampleStatistics.Median(steps);
    }
}
