using System.Globalization;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Progress;
using AlgoPerfSharp.Harness.Results;
using AlgoPerfSharp.Harness.Rulesets;
using AlgoPerfSharp.Harness.Trials;
using AlgoPerfSharp.Harness.Workers;
using AlgoPerfSharp.Optimizers;
using Microsoft.Extensions.Logging;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>The body of <c>run</c> and <c>sweep</c>: plan, run (isolated or in-process), display, export, and for plans the leaderboard.</summary>
public static class SweepJob
{
    /// <summary>Default wall-clock limit of a trial whose budget is the workload's own (unknown until its spec is read).</summary>
    public const double DefaultTrialTimeoutSeconds = 24 * 3600;

    /// <summary>Runs the sweep the options describe; returns the exit code (130 when interrupted).</summary>
    public static int Execute(HarnessContext context, string defaultLabel, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var search = o.SearchSpace is null ? null : SearchSpace.Load(o.SearchSpace);
        var (shard, shards) = SweepPlanner.ParseShard(o.Shard);
        string label = o.Label ?? defaultLabel;
        var trialOptions = TrialOptions(o);
        var ruleset = o.EffectiveRuleset == "self" ? Ruleset.SelfTuning : Ruleset.External;
        var request = new SweepRequest(label, o.Workloads, o.Algorithms, ruleset, o.Studies ?? 1, o.Trials ?? 5, o.Seed, search, shard, shards, trialOptions);
        string what = $"label {label}, {string.Join(",", o.Workloads)} × {string.Join(",", o.Algorithms)}, {o.EffectiveRuleset}, " +
            $"{request.Studies} studies × {request.Trials} trials, shard {o.Shard}, {(o.InProcess ? "in-process" : "worker processes")}";
        if (context.Logger.IsEnabled(LogLevel.Information)) context.Logger.LogInformation("{Command}: {What}", commandLine, what);

        using var store = ResultsStore.Open(o.Db);
        var summary = Sweep(context, store, request, commandLine);

        var run = store.FindRun(label)!;
        var trials = store.Trials(run.Id);
        string counts = string.Join(", ", trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run '{label}' in {o.Db}: {summary.Ran} trials run now, {summary.Skipped} already done, of {summary.Planned} in this shard; all trials: {counts}"));
        if (context.Logger.IsEnabled(LogLevel.Information)) context.Logger.LogInformation("finished: {Summary}; {Counts}", summary, counts);

        if (o.ExportCsv is { } dir)
        {
            foreach (var t in trials)
            {
                string folder = Path.Combine(dir, label, Path.Combine(t.Key.Split('/').Select(Safe).ToArray()));
                Directory.CreateDirectory(folder);
                store.ExportAlgoPerfCsv(t.Id, Path.Combine(folder, "eval_measurements.csv"));
            }

            context.Output.WriteLine($"eval_measurements.csv of {trials.Count} trials written below {Path.Combine(dir, label)}");
        }

        if (summary.Interrupted)
        {
            context.Output.WriteLine("interrupted: the current trial was checkpointed; re-run the same command to resume");
            return ExitCodes.Interrupted;
        }

        if (o.Plan is "quick" or "smoke" && shards == 1)
        {
            var board = Reports.LeaderboardResult.Compute(store, [run],
                ruleset == Ruleset.SelfTuning ? Scoring.TuningRuleset.SelfTuning : Scoring.TuningRuleset.ExternalTuning);
            context.Output.Write(board.ToText());
        }

        return ExitCodes.Ok;
    }

    /// <summary>Runs <paramref name="request"/> into <paramref name="store"/> as the settings say: worker processes or in-process, live or plain display.</summary>
    public static SweepSummary Sweep(HarnessContext context, ResultsStore store, SweepRequest request, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        var o = context.Options;
        // checkpoints are keyed by trial key, which repeats across runs: give each run label its own folder
        if (request.Options.CheckpointDirectory is { } root)
        {
            request = request with { Options = request.Options with { CheckpointDirectory = Path.Combine(root, Safe(request.RunLabel)) } };
        }

        Func<long, ITrialExecutor>? executors = o.InProcess ? null : runId => new WorkerExecutor(store, new WorkerSettings(
            o.Db, runId, o.Preset, o.Db + ".workers", MaxMemoryBytes(o), request.Options.WallClockLimitSeconds, WorkerLaunch.Current()) { Retries = o.Retries ?? 1 });
        string environment = EnvironmentInfo.Capture().ToJson();
        var registries = context.Registries;

        SweepSummary Go(SweepDisplay display, TextWriter log) =>
            new SweepRunner(store, w => registries.Workloads(w, o.Preset), registries.Algorithms, log, progress: display, executorFor: executors, observer: display,
                specs: registries.Specs is { } specs ? w => specs(w, o.Preset) : null)
                .Run(request, commandLine, environment, context.Cancellation);

        return SweepDisplay.CanBeLive(context.Output)
            ? SweepDisplay.RunLive(d => Go(d, context.Log.Writer("sweep")))
            : Go(SweepDisplay.Plain(context.Output), new TeeWriter(context.Output, context.Log.Writer("sweep")));
    }

    /// <summary>The per-trial options the settings imply.</summary>
    public static TrialRunnerOptions TrialOptions(HarnessOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new TrialRunnerOptions
        {
            MaxSteps = o.MaxSteps,
            EvalPeriodSeconds = o.EvalPeriod,
            MaxRuntimeSeconds = o.MaxRuntime,
            EvalEverySteps = o.EvalEverySteps,
            CheckpointDirectory = o.EffectiveCheckpoints,
            WallClockLimitSeconds = o.TrialTimeout
                ?? (o.MaxRuntime is { } mr ? (3 * mr * SweepPlanner.SelfTuningBudgetMultiplier) + 600 : DefaultTrialTimeoutSeconds),
            StopAtTarget = !o.NoStopAtTarget,
            EvaluateTest = !o.NoTestEval,
        };
    }

    private static long MaxMemoryBytes(HarnessOptions o) =>
        o.MaxMemory is { } mb ? (long)(mb * 1024 * 1024) : (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8);

    private static string Safe(string part) => string.Concat(part.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ':' ? '_' : c));
}
