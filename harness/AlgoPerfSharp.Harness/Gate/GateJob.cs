using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Gate;

/// <summary>The body of <c>algoperf gate</c>: plan, run the interleaved trials, print the verdicts, exit 1 on a regression.</summary>
public static class GateJob
{
    /// <summary>Studies per workload and side unless <c>--studies</c> says otherwise: the fewest that can give a verdict at α = 0.05 (p = 1/32).</summary>
    public const int DefaultStudies = 5;

    /// <summary>Default preset: seconds per trial.</summary>
    public const string DefaultPreset = "tiny";

    /// <summary>Default label: the runs are <c>gate.baseline</c> and <c>gate.candidate</c>.</summary>
    public const string DefaultLabel = "gate";

    /// <summary>
    /// Evaluations per step hint when neither <c>--eval-every-steps</c> nor <c>--eval-period</c> is given: every
    /// ⌈hint / 40⌉ steps, a fixed grid of steps so steps-to-target does not depend on the machine's speed.
    /// </summary>
    public const int EvalsPerStepHint = 40;

    /// <summary>
    /// Runs the gate the settings describe; returns 0 (no regression), 1 (a regression, or a trial that failed or timed
    /// out, or was left to another process), 130 (interrupted: re-run to resume). Bad input — an unknown algorithm, a
    /// plugin that fails to load, a search space that is not one point — throws before the database is opened.
    /// </summary>
    public static int Execute(
        HarnessContext context, string baseline, string candidate, ComparisonOptions comparison, string? markdown, string? json, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(comparison);
        var o = context.Options;
        var algorithms = SweepJob.ResolveAlgorithms(context, [baseline, candidate]);
        Hyperparameters bPoint = algorithms[baseline].Defaults, cPoint = algorithms[candidate].Defaults;
        if (o.SearchSpace is { } file)
        {
            var space = SearchSpace.Load(file);
            if (space.FixedPoints is not { Count: 1 } points)
            {
                throw new ArgumentException($"--search-space {file} must hold exactly one point (a JSON list of one object): the gate trains both sides at one fixed point");
            }

            SweepJob.CheckSearchSpaceKeys(space, algorithms);
            bPoint = cPoint = points[0];
        }

        var workloads = o.Workloads.Select(w => new GateWorkload(w, TrialOptions(context, w))).ToList();
        var plan = new GatePlan(o.Label ?? DefaultLabel, baseline, candidate, bPoint, cPoint, workloads, o.Studies ?? DefaultStudies, o.Seed);
        context.Cancellation.ThrowIfCancellationRequested();

        using var store = ResultsStore.Open(o.Db);
        GateRunner.CheckResume(store, plan);
        var summary = GateRunner.Run(plan, (_, request) => SweepJob.Sweep(context, store, request, commandLine, algorithms), context.Cancellation);
        if (summary.Interrupted)
        {
            context.Output.WriteLine("interrupted: the current trial was checkpointed; re-run the same command to resume");
            return ExitCodes.Interrupted;
        }

        int stored = new[] { GateSide.Baseline, GateSide.Candidate }.Sum(side => store.Trials(store.FindRun(plan.RunLabel(side))!.Id).Count);
        context.Output.WriteLine($"gate '{SafeText.Terminal(plan.Label)}' in {o.Db}: {summary.Ran} trials run now, {stored} in its two runs");
        var report = GateReport.Compute(store, plan, comparison);
        string md = report.ToMarkdown();
        context.Output.Write(md);
        if (markdown is not null) File.WriteAllText(markdown, md);
        if (json is not null) File.WriteAllText(json, report.ToJson());

        var failed = new[] { GateSide.Baseline, GateSide.Candidate }
            .SelectMany(side => store.Trials(store.FindRun(plan.RunLabel(side))!.Id))
            .Where(t => SweepJob.FailureStates.Contains(t.State)).ToList();
        if (failed.Count > 0)
        {
            context.Error.WriteLine($"error: {failed.Count} trial(s) failed or timed out ({string.Join(", ", failed.Take(3).Select(t => SafeText.Terminal(t.Key)))}); " +
                $"the gate fails — their errors are in {o.Db} (algoperf report) and the log");
            return ExitCodes.Failed;
        }

        if (summary.Busy > 0)
        {
            context.Error.WriteLine($"error: {summary.Busy} trial(s) were skipped because another process is running them; re-run this command once it has finished");
            return ExitCodes.Failed;
        }

        return report.HasRegression ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>
    /// The options of <paramref name="workload"/>'s trials: the settings' (<see cref="SweepJob.TrialOptions"/>) with
    /// validation-only evals, by default every ⌈step hint / <see cref="EvalsPerStepHint"/>⌉ steps; training to the step
    /// hint (the horizon of the algorithms' learning-rate schedules; <c>--max-steps</c> overrides) or the budget, past the
    /// target, so both sides of a pair end at the same step and their final metrics compare; and a wall-clock limit of
    /// 3 × the budget + 10 minutes.
    /// </summary>
    public static TrialRunnerOptions TrialOptions(HarnessContext context, string workload)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var spec = context.Registries.Specs?.Invoke(workload, o.Preset) ?? context.Registries.Workloads(workload, o.Preset).Spec;
        long hint = o.StepHint ?? spec.StepHint;
        long? every = o.EvalEverySteps ?? (o.EvalPeriod is null ? Math.Max(1, (hint + EvalsPerStepHint - 1) / EvalsPerStepHint) : null);
        return SweepJob.TrialOptions(o) with
        {
            EvalEverySteps = every,
            EvaluateTest = false,
            MaxSteps = o.MaxSteps ?? hint,
            StopAtTarget = false,
            WallClockLimitSeconds = o.TrialTimeout ?? TrialRunnerOptions.DefaultWallClockLimit(o.MaxRuntime ?? spec.MaxRuntimeSeconds),
        };
    }
}
