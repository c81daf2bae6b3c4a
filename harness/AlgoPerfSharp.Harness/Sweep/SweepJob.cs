using System.Globalization;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Workloads;
using Microsoft.Extensions.Logging;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>The body of <c>run</c> and <c>sweep</c>: plan, run (isolated or in-process), display, export, and for plans the leaderboard.</summary>
public static class SweepJob
{
    /// <summary>
    /// The end states that make <c>run</c>/<c>sweep</c> exit <see cref="ExitCodes.Failed"/> (unless
    /// <c>--allow-failures</c>): the trial crashed, was killed or raised (Failed) or exceeded its wall-clock limit
    /// (TimedOut). Diverged trials (NaN/∞ loss) are results of the algorithm, scored as never reaching the target.
    /// </summary>
    public static IReadOnlySet<TrialState> FailureStates { get; } = new HashSet<TrialState> { TrialState.Failed, TrialState.TimedOut };

    /// <summary>
    /// Runs the sweep the options describe; returns the exit code: 130 when interrupted, 1 when a trial of the run is in
    /// a <see cref="FailureStates"/> state (now or from an earlier invocation) and failures are not allowed, else 0.
    /// Plugins are probed and the search space checked before the database is opened; Ctrl+C before the trials start
    /// throws <see cref="OperationCanceledException"/> (the host exits 130) with nothing recorded.
    /// </summary>
    public static int Execute(HarnessContext context, string defaultLabel, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var search = o.SearchSpace is null ? null : SearchSpace.Load(o.SearchSpace);
        var (shard, shards) = SweepPlanner.ParseShard(o.Shard);
        string label = o.Label ?? defaultLabel;
        var trialOptions = TrialOptions(o);
        var ruleset = o.EffectiveRuleset;
        var request = new SweepRequest(label, o.Workloads, o.Algorithms, ruleset, o.Studies ?? 1, o.Trials ?? 5, o.Seed, search, shard, shards, trialOptions);
        string what = $"label {label}, {string.Join(",", o.Workloads)} × {string.Join(",", o.Algorithms)}, {ruleset.Key()}, " +
            $"{request.Studies} studies × {request.Trials} trials, shard {o.Shard}, {(o.InProcess ? "in-process" : "worker processes")}";
        if (context.Logger.IsEnabled(LogLevel.Information)) context.Logger.LogInformation("{Command}: {What}", commandLine, what);

        // Everything that can refuse the sweep happens before the database is opened: nothing recorded is touched.
        var algorithms = ResolveAlgorithms(context, o.Algorithms);
        if (search is not null) CheckSearchSpaceKeys(search, algorithms);
        context.Cancellation.ThrowIfCancellationRequested(); // the host makes it exit 130
        var placeholders = PlaceholderWarnings(context.Registries.WorkloadRegistry, o.Workloads, o.Preset);
        foreach (string line in placeholders) context.Output.WriteLine(line);
        if (o.DryRun)
        {
            context.Output.Write(DryRun(context, request, algorithms));
            return ExitCodes.Ok;
        }

        // the workers may not be able to write the data folder: caches are written here, once (a read-only folder: one line)
        DataPreparation.Run(context.Registries.WorkloadRegistry, o.Workloads, o.Preset, context.Output, context.Cancellation);
        using var store = ResultsStore.Open(o.Db);
        var summary = Sweep(context, store, request, commandLine, algorithms);

        var run = store.FindRun(label)!;
        var trials = store.Trials(run.Id);
        string counts = string.Join(", ", trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run '{SafeText.Terminal(label)}' in {o.Db}: {summary.Ran} trials run now, {summary.Skipped} already done, of {summary.Planned} in this shard; all trials: {counts}"));
        if (context.Logger.IsEnabled(LogLevel.Information)) context.Logger.LogInformation("finished: {Summary}; {Counts}", summary, counts);

        if (o.ExportCsv is { } dir)
        {
            string folder = AlgoPerfCsv.ExportTree(store, run, dir);
            context.Output.WriteLine($"eval_measurements.csv of {trials.Count} trials written below {SafeText.Terminal(folder)}");
        }

        if (summary.Interrupted)
        {
            context.Output.WriteLine("interrupted: the current trial was checkpointed; re-run the same command to resume");
            return ExitCodes.Interrupted;
        }

        if (o.Plan is "quick" or "extended" or "smoke" or "dlrm" && shards == 1)
        {
            var board = Reports.LeaderboardResult.Compute(store, [run],
                ruleset);
            context.Output.Write(board.ToText());
            foreach (string line in placeholders) context.Output.WriteLine(line); // under the table they qualify
        }

        var failed = trials.Where(t => FailureStates.Contains(t.State)).ToList();
        if (failed.Count > 0 && !o.AllowFailures)
        {
            string which = string.Join(", ", failed.Take(3).Select(t => $"{t.Key} {t.State.ToString().ToLowerInvariant()}")) + (failed.Count > 3 ? ", …" : string.Empty);
            context.Error.WriteLine($"error: {failed.Count} of {trials.Count} trials failed or timed out ({which}); their errors are in {o.Db} " +
                "(algoperf report) and the log; fix and re-run with another --label, or pass --allow-failures to exit 0");
            return ExitCodes.Failed;
        }

        if (summary.Busy > 0)
        {
            context.Error.WriteLine($"error: {summary.Busy} trial(s) were skipped because another process is running them; " +
                "re-run this command once it has finished to run them here");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// What <c>sweep --dry-run</c> prints: the plan's size and fingerprint, then how its <c>n</c> shards
    /// (<see cref="ShardPartition"/>) split the trials and their timed budgets, from the workloads' constants at the preset
    /// (or <c>--max-runtime</c>). Nothing runs and no database is opened.
    /// </summary>
    public static string DryRun(HarnessContext context, SweepRequest request, IReadOnlyDictionary<string, ITrainingAlgorithm> algorithms)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var o = context.Options;
        var plan = SweepPlanner.PlanSweep(request, algorithms, context.Cancellation);
        var budgets = request.Workloads.Distinct(StringComparer.Ordinal).ToDictionary(w => w, w => request.Options.MaxRuntimeSeconds ?? SpecOf(context.Registries, w, o.Preset).MaxRuntimeSeconds, StringComparer.Ordinal);
        double Budget(TrialSpec t) => budgets[t.Workload] * t.BudgetMultiplier;
        var partition = ShardPartition.Of(plan, request.ShardCount, Budget);
        string perStudy = request.Ruleset == TuningRuleset.SelfTuning ? "1 trial (self-tuning)" : $"{request.Trials} trials";
        string each = string.Join(", ", budgets.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} {b.Value:0.#} s")));
        return string.Create(CultureInfo.InvariantCulture,
            $"plan '{SafeText.Terminal(request.RunLabel)}' (seed {request.Seed}, preset {o.Preset ?? "default"}): {request.Workloads.Count} workloads × {request.Algorithms.Count} algorithms × " +
            $"{request.Studies} studies × {perStudy} = {plan.Count} trials, {partition.BudgetSeconds.Sum():N1} budget-seconds (timed budget × {request.Ruleset.BudgetMultiplier():0.##}; {each}); " +
            $"fingerprint {ShardStamp.Fingerprint(plan, Budget)}{Environment.NewLine}") +
            partition.ToText() + Environment.NewLine + DataToPrepare(context.Registries.WorkloadRegistry, request.Workloads, o.Preset);
    }

    /// <summary>
    /// One <c>warning:</c> line per distinct workload of <paramref name="workloads"/> whose targets are placeholders
    /// (<see cref="WorkloadDescriptor.UncalibratedTargets"/>); printed by <c>run</c>/<c>sweep</c> before the trials (and
    /// under a plan's leaderboard) and by the dry run.
    /// </summary>
    public static IReadOnlyList<string> PlaceholderWarnings(WorkloadRegistry registry, IEnumerable<string> workloads, string? preset)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workloads);
        return workloads.Distinct(StringComparer.Ordinal)
            .Select(w => registry.Find(w)?.UncalibratedTargetsAt(preset) is { } note ? $"warning: {w}: {note}" : null)
            .OfType<string>().ToList();
    }

    // The dry run's lines about data the sweep would write before its trials (nothing when none is pending). A problem
    // (a corrupt cache, missing TSV files) is a line here, not an error: the dry run plans, the sweep refuses.
    private static string DataToPrepare(WorkloadRegistry registry, IReadOnlyList<string> workloads, string? preset)
    {
        try
        {
            return string.Concat(DataPreparation.Pending(registry, workloads, preset).Select(p =>
                $"data to write before the trials start: {p.Workload} ({p.Preset}): {DataPreparation.Describe(p.Data)}{Environment.NewLine}"));
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
        {
            return $"data: {SafeText.Terminal(e.Message)} (the sweep would stop here){Environment.NewLine}";
        }
    }

    private static WorkloadSpec SpecOf(Registries registries, string workload, string? preset)
    {
        if (registries.Specs is { } specs) return specs(workload, preset);
        using var w = registries.Workloads(workload, preset);
        return w.Spec;
    }

    /// <summary>
    /// Runs <paramref name="request"/> into <paramref name="store"/> as the settings say: worker processes or
    /// in-process, live or plain display. <paramref name="algorithms"/> are the request's algorithms from
    /// <see cref="ResolveAlgorithms"/> (null = resolve them here).
    /// </summary>
    public static SweepSummary Sweep(
        HarnessContext context, ResultsStore store, SweepRequest request, string commandLine, IReadOnlyDictionary<string, ITrainingAlgorithm>? algorithms = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        algorithms ??= ResolveAlgorithms(context, request.Algorithms);
        var o = context.Options;
        // calibrate, transfer and gate come here directly: their workers need the data written first too (a no-op when it is)
        DataPreparation.Run(context.Registries.WorkloadRegistry, request.Workloads, o.Preset, context.Output, context.Cancellation);
        // checkpoints are keyed by trial key, which repeats across runs: give each run label its own folder
        if (request.Options.CheckpointDirectory is { } root)
        {
            request = request with { Options = request.Options with { CheckpointDirectory = Path.Combine(root, SafeText.PathComponent(request.RunLabel)) } };
        }

        Func<long, ITrialExecutor>? executors = o.InProcess ? null : runId => new WorkerExecutor(store, new WorkerSettings(
            o.Db, runId, o.Preset, o.Db + ".workers", MaxMemoryBytes(o), WorkerLaunch.Current()) { Retries = o.Retries ?? 1 });
        string environment = (EnvironmentInfo.Capture() with { Device = request.Options.Device }).ToJson();
        var registries = context.Registries;

        SweepSummary Go(SweepDisplay display, TextWriter log) =>
            new SweepRunner(store, w => registries.Workloads(w, o.Preset), a => algorithms[a], log, progress: display, executorFor: executors, observer: display,
                specs: registries.Specs is { } specs ? w => specs(w, o.Preset) : null)
                .Run(request, commandLine, environment, context.Cancellation);

        return SweepDisplay.CanBeLive(context.Output)
            ? SweepDisplay.RunLive(d => Go(d, context.Log.Writer("sweep")))
            : Go(SweepDisplay.Plain(context.Output), new TeeWriter(context.Output, context.Log.Writer("sweep")));
    }

    /// <summary>
    /// The algorithms <paramref name="specs"/> name, for planning and running: built-ins themselves; plugins as read by
    /// a probe process (<see cref="PluginProbe"/>: no plugin code runs here), or with <c>--in-process</c> loaded here
    /// once the probe has read them without trouble. Throws <see cref="PluginException"/> (one line naming the plugin)
    /// and <see cref="OperationCanceledException"/> at Ctrl+C.
    /// </summary>
    public static IReadOnlyDictionary<string, ITrainingAlgorithm> ResolveAlgorithms(HarnessContext context, IEnumerable<string> specs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(specs);
        var result = new Dictionary<string, ITrainingAlgorithm>(StringComparer.Ordinal);
        foreach (string spec in specs.Distinct(StringComparer.Ordinal))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var algorithm = PluginProbe.ForPlanning(spec, context.Registries.AlgorithmRegistry, context.Cancellation);
            result[spec] = context.Options.InProcess && algorithm is ProbedAlgorithm ? context.Registries.Algorithms(spec) : algorithm;
        }

        return result;
    }

    /// <summary>
    /// Refuses a search space (<c>--search-space</c>) that names a key some algorithm does not declare, or a value or
    /// range its declaration does not allow (<see cref="TrialHyperparameters.For"/>: the algorithm's
    /// <see cref="ITrainingAlgorithm.Declared"/> plus the harness's <c>label_smoothing</c> and <c>dropout_rate</c>) —
    /// since a misspelt key would otherwise be ignored and the defaults trained silently. Decay rates have one name each
    /// (e.g. adamw's <c>one_minus_beta1</c>); the message suggests it for the other form. Throws
    /// <see cref="SearchSpaceException"/> (one line) naming the algorithm, the key and the declared keys.
    /// </summary>
    public static void CheckSearchSpaceKeys(SearchSpace space, IReadOnlyDictionary<string, ITrainingAlgorithm> algorithms)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(algorithms);
        foreach (var (spec, algorithm) in algorithms)
        {
            try
            {
                HyperparameterDeclarations.Validate(space, TrialHyperparameters.For(algorithm), spec);
            }
            catch (HyperparameterException e)
            {
                throw new SearchSpaceException("--search-space: " + e.Message, e);
            }
        }
    }

    /// <summary>The per-trial options the settings imply.</summary>
    public static TrialRunnerOptions TrialOptions(HarnessOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new TrialRunnerOptions
        {
            MaxSteps = o.MaxSteps,
            StepHint = o.StepHint,
            EvalPeriodSeconds = o.EvalPeriod,
            MaxRuntimeSeconds = o.MaxRuntime,
            EvalEverySteps = o.EvalEverySteps,
            CheckpointDirectory = o.EffectiveCheckpoints,
            CheckpointIntervalSeconds = o.CheckpointEvery ?? TrialRunnerOptions.DefaultCheckpointIntervalSeconds,
            WallClockLimitSeconds = o.TrialTimeout, // null: each trial's own 3 × budget + 2 min (TrialRunnerOptions.DefaultWallClockLimit)
            StopAtTarget = !o.NoStopAtTarget,
            EvaluateTest = !o.NoTestEval,
            Device = o.Device is null || o.Device == DeviceSetting.Auto ? "cpu" : o.Device, // the host has resolved auto
        };
    }

    private static long MaxMemoryBytes(HarnessOptions o) =>
        o.MaxMemory is { } mb ? (long)(mb * 1024 * 1024) : (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8);

}
