using System.CommandLine;
using System.Globalization;
using AlgoPerfSharp.Harness.Calibration;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Results;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>calibrate</c> command.</summary>
internal static class CalibrateCommand
{
    public static Command Build()
    {
        var options = HarnessCommandOptions.ForCalibrate();
        var cmd = new Command("calibrate", """
            AlgoPerf's target-setting protocol at our scale for one workload and preset: tune the baselines (AdamW and
            NAdamW) over their search spaces with N trials each, trained to the full budget (--max-runtime, default the
            workload's); rerun the best configuration with K seeds; propose target = median of the seeds' best validation
            metric, budget = 4/3 × median time to reach it, step hint = 4/3 × median steps to reach it, and an eval period
            keeping evals ≤ 10% of training. Prints them and writes them as JSON; every trial stays in --db (labels
            calibrate-<workload>-<preset>-tune / -seeds; re-running resumes).
            Example: algoperf calibrate -w fashion_mnist_resnet --preset cpu -n 8 -k 3 --max-runtime 600 --db calibration.db
            """);
        options.AddTo(cmd);
        cmd.SetAction(parse => options.Host(parse, context => Calibrate(context, "algoperf " + string.Join(' ', parse.Tokens.Select(t => t.Value)))));
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
        string preset = o.Preset ?? Workloads.WorkloadRegistryPresets.Default(workload);
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

        var c = CultureInfo.InvariantCulture;
        context.Output.WriteLine($"proposed constants for {workload} ({preset}):");
        context.Output.WriteLine(string.Create(c, $"  validation target  {ws.TargetMetric} {(ws.LowerIsBetter ? "≤" : "≥")} {result.ValidationTarget:G6}  (median of {string.Join(", ", result.BestMetricPerSeed.Select(v => v.ToString("G6", c)))})"));
        context.Output.WriteLine(string.Create(c, $"  max runtime        {result.MaxRuntimeSeconds:F1} s  (4/3 × median time to target of {string.Join(", ", result.TimeToTargetPerSeed.Select(v => v.ToString("F1", c)))} s)"));
        context.Output.WriteLine(string.Create(c, $"  step hint          {result.StepHint}"));
        context.Output.WriteLine(string.Create(c, $"  eval period        {result.EvalPeriodSeconds:F1} s"));
        string file = o.Output ?? $"calibration-{workload}-{preset}.json";
        File.WriteAllText(file, result.ToJson());
        context.Output.WriteLine($"written to {file} (trials: {n} per baseline, {k} seeds — state these reduced counts when shipping the constants)");
        return ExitCodes.Ok;
    }
}
