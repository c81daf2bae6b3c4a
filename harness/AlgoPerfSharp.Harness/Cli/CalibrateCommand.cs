using System.CommandLine;
using System.Globalization;
using AlgoPerfSharp.Harness.Calibration;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>calibrate</c> command.</summary>
internal static class CalibrateCommand
{
    public static Command Build(Registries registries)
    {
        var options = HarnessCommandOptions.ForCalibrate();
        var cmd = new Command("calibrate", """
            AlgoPerf's target-setting protocol at our scale for one workload and preset: tune the baselines (AdamW and
            NAdamW) over their search spaces with N trials each, trained to the full budget (--max-runtime, default the
            workload's); rerun the best configuration with K seeds; propose target = median of the seeds' best validation
            metric, budget = 4/3 × median time to reach it, step hint = 4/3 × median steps to reach it, and an eval period
            of 5 % of the median time to reach it (printing the share of a trial evals then take); then train the best
            configuration 4 × that budget with the step hint stretched alike and report where the target lies between
            the initial metric and that run's best (≥ 90 % of the way: a target that means a trained model).
            Prints them and writes them as JSON; every trial stays in --db (labels
            calibrate-<workload>-<preset>-tune / -seeds / -long; re-running resumes). AlgoPerf uses ≥ 20 trials and 20 seeds.
            Example: algoperf calibrate -w fashion_mnist_resnet --preset quick -n 10 -k 5 --max-runtime 20 --db calibration.db
            """);
        options.AddTo(cmd);
        cmd.SetAction(parse => options.Host(parse, registries, context => Calibrate(context, "algoperf " + string.Join(' ', parse.Tokens.Select(t => t.Value)))));
        return cmd;
    }

    private static int Calibrate(HarnessContext context, string commandLine)
    {
        var o = context.Options;
        if (o.Workloads.Count != 1)
        {
            context.Error.WriteLine("error: calibrate takes one --workload");
            return ExitCodes.BadInput;
        }

        string workload = o.Workloads[0];
        // the workload's default preset; an unknown workload is reported by validation, which has run
        string preset = o.Preset ?? context.Registries.WorkloadRegistry.Find(workload)?.Presets[0] ?? "cpu";
        var algorithms = o.Algorithms;
        int n = o.Trials ?? 5, k = o.Seeds ?? 3;
        var trialOptions = SweepJob.TrialOptions(o);
        string label = $"calibrate-{workload}-{preset}";
        var resolved = SweepJob.ResolveAlgorithms(context, algorithms); // plugins probed before the database is touched
        using var store = ResultsStore.Open(o.Db);

        var tune = Calibrator.TuningRequest(label + "-tune", workload, algorithms, n, o.Seed, trialOptions);
        if (SweepJob.Sweep(context, store, tune, commandLine, resolved).Interrupted) return ExitCodes.Interrupted;
        var tuneRun = store.FindRun(tune.RunLabel)!;
        var ws = store.WorkloadSpecs(tuneRun.Id).Single(s => s.Name == workload);
        var (best, metric) = Calibrator.BestTrial(store, store.Trials(tuneRun.Id), ws);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best tuning trial: {best.Key} {ws.TargetMetric} = {metric:G6} ({best.HyperparametersJson})"));

        var seeds = Calibrator.SeedRequest(label + "-seeds", best, k, o.Seed, trialOptions);
        if (SweepJob.Sweep(context, store, seeds, commandLine, resolved).Interrupted) return ExitCodes.Interrupted;
        var seedRun = store.FindRun(seeds.RunLabel)!;
        double budget = (o.MaxRuntime ?? ws.MaxRuntimeSeconds);
        var result = Calibrator.Propose(store, store.Trials(seedRun.Id), ws, preset, n, budget, best);
        if (!o.NoLongRun && double.IsFinite(result.MaxRuntimeSeconds) && result.StepHint > 0)
        {
            var longRun = Calibrator.LongRunRequest(label + "-long", best, result.MaxRuntimeSeconds, result.StepHint, o.Seed, trialOptions);
            if (SweepJob.Sweep(context, store, longRun, commandLine).Interrupted) return ExitCodes.Interrupted;
            var longTrial = store.Trials(store.FindRun(longRun.RunLabel)!.Id).Single();
            result = result with
            {
                LongRun = Calibrator.Convergence(store.Evals(longTrial.Id), ws, result.ValidationTarget,
                    longRun.Options.MaxRuntimeSeconds!.Value, longRun.Options.StepHint!.Value),
            };
        }

        var c = CultureInfo.InvariantCulture;
        context.Output.WriteLine($"proposed constants for {workload} ({preset}):");
        context.Output.WriteLine(string.Create(c, $"  validation target  {ws.TargetMetric} {(ws.LowerIsBetter ? "≤" : "≥")} {result.ValidationTarget:G6}  (median of {string.Join(", ", result.BestMetricPerSeed.Select(v => v.ToString("G6", c)))})"));
        context.Output.WriteLine(string.Create(c, $"  max runtime        {result.MaxRuntimeSeconds:F1} s  (4/3 × median time to target of {string.Join(", ", result.TimeToTargetPerSeed.Select(v => v.ToString("F1", c)))} s)"));
        context.Output.WriteLine(string.Create(c, $"  step hint          {result.StepHint}"));
        context.Output.WriteLine(string.Create(c, $"  eval period        {result.EvalPeriodSeconds:F2} s  (5 % of the median time to target; a pass costs {result.EvalPassSeconds:F2} s: evals take {result.EvalShare:P0} of a trial{(result.EvalShare > Calibrator.MaxEvalShare ? " — more than 25 %: shrink the eval subset" : string.Empty)})"));
        if (result.LongRun is { } lr)
        {
            string verdict = lr.MeansATrainedModel ? "(≥ 90 %: a trained model)" : "(< 90 %: the target is early in training — train longer or shrink the model)";
            context.Output.WriteLine(string.Create(c,
                $"  long run           {lr.LongRunSeconds:F1} s, step hint {lr.LongRunStepHint}: initial {ws.TargetMetric} {lr.InitialMetric:G4}, best {lr.BestMetric:G4}, target {lr.Target:G4} lies {lr.Fraction:P1} of the way {verdict}"));
        }

        string file = o.Output ?? $"calibration-{workload}-{preset}.json";
        File.WriteAllText(file, result.ToJson());
        context.Output.WriteLine($"written to {file} (trials: {n} per baseline, {k} seeds — state these reduced counts when shipping the constants)");
        return ExitCodes.Ok;
    }
}
