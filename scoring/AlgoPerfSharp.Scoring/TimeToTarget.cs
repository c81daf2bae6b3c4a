namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Time-to-target, AlgoPerf's raw measurement: per trial, per study and per (submission, workload).
/// </summary>
/// <remarks>
/// <para><b>Trial.</b> The submission time of the <em>first</em> eval row (in global-step order) whose validation
/// metric meets the target (<c>≤</c> for minimised metrics, <c>≥</c> for maximised ones; NaN never meets it); ∞ if
/// no row does. Rows count whatever the trial's <see cref="TrialState"/>: a target met in a row logged before the
/// trial diverged, failed or was interrupted counts, exactly as AlgoPerf (which only reads the logged rows); a trial
/// that diverged or failed before meeting the target is ∞ because no row met it. A time beyond the budget
/// (<see cref="WorkloadScoringSpec.MaxRuntimeSeconds"/> × <see cref="ScoringRules.BudgetMultiplier"/>, strictly greater)
/// is ∞: AlgoPerf's runner never logs such a row, and a log that has one (AlgoPerf v0.5's "free eval" bug) must not
/// score it. The test target is measured the same way and reported, never scored.</para>
/// <para><b>Study.</b> External tuning: the minimum over the study's trials <em>in seconds</em> (ties → lowest trial
/// index). AlgoPerf's code instead picks the trial that met the target at the earliest eval <em>index</em>, which is
/// not the fastest when trials evaluate at different times; we do not copy that. Self-tuning: the study's single run;
/// more than one trial in a study is an error. A study's test time is the minimum over its trials of their test
/// times, independently of which trial was fastest to the validation target.</para>
/// <para><b>Workload.</b> The median over studies with ∞ participating (numpy's median: the mean of the two middle
/// values for an even count, so ∞ if either is ∞). When <see cref="ScoringRules.Studies"/> is set, absent studies enter
/// the median as ∞.</para>
/// All methods are pure and thread-safe.
/// </remarks>
public static class TimeToTarget
{
    /// <summary>Time-to-target of one trial on <paramref name="spec"/> under <paramref name="rules"/>.</summary>
    /// <exception cref="ArgumentException">The trial is of another workload, or it has rows but none logs the
    /// validation metric (a misnamed metric would otherwise score silently as ∞).</exception>
    public static TrialTimeToTarget ForTrial(TrialRecord trial, WorkloadScoringSpec spec, ScoringRules rules)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(rules);
        if (!string.Equals(trial.Workload, spec.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Trial {trial.Describe()} cannot be scored with the spec of workload '{spec.Name}'.", nameof(spec));
        }

        if (trial.Rows.Count > 0 && !trial.Rows.Any(r => r.Metrics.ContainsKey(spec.ValidationMetric)))
        {
            throw new ArgumentException(
                $"No eval row of trial {trial.Describe()} logs the validation metric '{spec.ValidationMetric}' " +
                $"(logged: {string.Join(", ", trial.Rows[0].Metrics.Keys.Order(StringComparer.Ordinal))}).",
                nameof(trial));
        }

        var budget = rules.BudgetSeconds(spec);
        var (valSeconds, valStep) = FirstWithinBudget(trial.Rows, spec.MeetsValidationTarget, budget);
        double? testSeconds = null;
        long? testStep = null;
        if (spec.TestMetric is not null)
        {
            (testSeconds, testStep) = FirstWithinBudget(trial.Rows, spec.MeetsTestTarget, budget);
        }

        return new TrialTimeToTarget(trial.Study, trial.Trial, trial.State, valSeconds, valStep, testSeconds, testStep);
    }

    /// <summary>Time-to-target of one study from all its trials (same submission, workload and study).</summary>
    /// <exception cref="ArgumentException">No trials, trials of different studies/submissions/workloads, a repeated
    /// trial index, or more than one trial under self-tuning.</exception>
    public static StudyTimeToTarget ForStudy(IEnumerable<TrialRecord> trials, WorkloadScoringSpec spec, ScoringRules rules)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(rules);
        var list = trials.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("A study needs at least one trial.", nameof(trials));
        }

        var first = list[0];
        foreach (var t in list)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(trials));
            if (!string.Equals(t.Submission, first.Submission, StringComparison.Ordinal) ||
                !string.Equals(t.Workload, first.Workload, StringComparison.Ordinal) || t.Study != first.Study)
            {
                throw new ArgumentException(
                    $"Trials {first.Describe()} and {t.Describe()} are not of the same study.", nameof(trials));
            }
        }

        var duplicate = list.GroupBy(t => t.Trial).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"Trial {duplicate.First().Describe()} appears {duplicate.Count()} times.", nameof(trials));
        }

        if (rules.Kind == TuningRuleset.SelfTuning && list.Count > 1)
        {
            throw new ArgumentException(
                $"The self-tuning ruleset allows one run per study, but {first.Submission}/{first.Workload} study " +
                $"{first.Study} has {list.Count} trials.", nameof(trials));
        }

        var results = list.OrderBy(t => t.Trial).Select(t => ForTrial(t, spec, rules)).ToList();

        // Fastest trial in SECONDS (not AlgoPerf's earliest eval index); ties go to the lowest trial index.
        TrialTimeToTarget? best = null;
        foreach (var r in results)
        {
            if (r.ReachedValidationTarget && (best is null || r.ValidationSeconds < best.ValidationSeconds))
            {
                best = r;
            }
        }

        double? test = spec.TestMetric is null ? null : results.Min(r => r.TestSeconds!.Value);
        return new StudyTimeToTarget(
            first.Study, best?.ValidationSeconds ?? double.PositiveInfinity, best?.Trial, test, results.AsReadOnly());
    }

    /// <summary>Time-to-target of one submission on one workload from all its trials over all studies.</summary>
    /// <exception cref="ArgumentException">No trials, trials of different submissions/workloads, more studies than
    /// <see cref="ScoringRules.Studies"/>, or any error of <see cref="ForStudy"/>.</exception>
    public static WorkloadTimeToTarget ForWorkload(IEnumerable<TrialRecord> trials, WorkloadScoringSpec spec, ScoringRules rules)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(rules);
        var list = trials.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException(
                $"No trials for workload '{spec.Name}': a submission without trials on a workload is simply absent " +
                "from the performance-profile input (it counts as ∞ there).", nameof(trials));
        }

        var first = list[0];
        foreach (var t in list)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(trials));
            if (!string.Equals(t.Submission, first.Submission, StringComparison.Ordinal) ||
                !string.Equals(t.Workload, first.Workload, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Trials {first.Describe()} and {t.Describe()} are not of the same submission and workload.", nameof(trials));
            }
        }

        var studies = list.GroupBy(t => t.Study).OrderBy(g => g.Key).Select(g => ForStudy(g, spec, rules)).ToList();
        var missing = 0;
        if (rules.Studies is { } required)
        {
            if (studies.Count > required)
            {
                throw new ArgumentException(
                    $"{first.Submission}/{first.Workload} has {studies.Count} studies but the ruleset requires {required}.",
                    nameof(trials));
            }

            missing = required - studies.Count;
        }

        var padding = Enumerable.Repeat(double.PositiveInfinity, missing);
        var validation = SampleStatistics.Median(studies.Select(s => s.ValidationSeconds).Concat(padding).ToList());
        double? test = spec.TestMetric is null
            ? null
            : SampleStatistics.Median(studies.Select(s => s.TestSeconds!.Value).Concat(padding).ToList());
        var reached = studies.Sum(s => s.Trials.Count(t => t.ReachedValidationTarget));
        return new WorkloadTimeToTarget(
            first.Submission, first.Workload, validation, test, studies.AsReadOnly(), missing, list.Count, reached,
            rules.BudgetSeconds(spec));
    }

    /// <summary>
    /// Groups <paramref name="trials"/> by (submission, workload) and computes each group's time-to-target, ordered by
    /// submission then workload (ordinal).
    /// </summary>
    /// <exception cref="ArgumentException">A trial names a workload no spec describes, the specs are inconsistent
    /// (see <see cref="PerformanceProfile"/>), or any error of <see cref="ForWorkload"/>.</exception>
    public static IReadOnlyList<WorkloadTimeToTarget> ForAll(
        IEnumerable<TrialRecord> trials, IReadOnlyList<WorkloadScoringSpec> specs, ScoringRules rules)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(rules);
        var byName = SpecSet.Index(specs);
        var list = trials.ToList();
        foreach (var t in list)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(trials));
            if (!byName.ContainsKey(t.Workload))
            {
                throw new ArgumentException(
                    $"Trial {t.Describe()} is of workload '{t.Workload}', which no workload spec describes " +
                    $"(known: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}).", nameof(trials));
            }
        }

        return list
            .GroupBy(t => (t.Submission, t.Workload))
            .OrderBy(g => g.Key.Submission, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Workload, StringComparer.Ordinal)
            .Select(g => ForWorkload(g, byName[g.Key.Workload], rules))
            .ToList()
            .AsReadOnly();
    }

    private static (double Seconds, long? Step) FirstWithinBudget(
        IReadOnlyList<EvalRow> rows, Func<EvalRow, bool> meets, double budget)
    {
        foreach (var row in rows)
        {
            if (meets(row))
            {
                // Rows are in step order with non-decreasing time: if the first row meeting the target is past the
                // budget, every later one is too.
                return row.SubmissionTimeSeconds <= budget
                    ? (row.SubmissionTimeSeconds, row.GlobalStep)
                    : (double.PositiveInfinity, null);
            }
        }

        return (double.PositiveInfinity, null);
    }
}
