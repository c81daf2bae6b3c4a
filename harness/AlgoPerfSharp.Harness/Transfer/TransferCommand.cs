using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Transfer;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// <c>algoperf transfer -a A -w FAMILY</c>: does the algorithm's tuned learning rate transfer across width? Tunes the
/// base width on a learning-rate × weight-decay grid, runs the transferred point and a local ±2× learning-rate grid
/// at every wider member, then prints optimum learning rate vs width (drift in grid steps), the transfer regret and a
/// coordinate check. Every trial is an ordinary sweep trial (worker processes, results database, resume, --shard):
/// one run per width, labelled <c>{label}/w{width}</c>; the summary rows go to <c>transfer_widths</c> (<see cref="TransferStore"/>).
/// </summary>
internal static class TransferCommand
{
    public static Command Build(Registries registries)
    {
        var options = HarnessCommandOptions.ForSweep(single: false);
        var parameterisation = new Option<string>("--parameterisation") { Description = "mup (µP init + the algorithm's transfer rule; default) or sp (standard)." };
        var quick = new Option<bool>("--quick") { Description = "The quick ladder for testing the command: ×1 and ×2 widths, 3 learning rates, 20 steps per trial." };
        var cmd = new Command("transfer", """
            Hyperparameter transfer across width (arXiv 2512.05620): on a width ladder (-w sotu_llama or fashion_mnist_mlp;
            widths ×1, ×2, ×4, ×8 of the base 64), tune learning rate × weight decay at the base width, then run the
            transferred point and a ±2× learning-rate grid at every wider member, a fixed number of steps each. Prints the
            optimum learning rate vs width (drift in grid steps; 0 = transfers), the regret of the transferred point
            (its final validation loss − the width's best) and a coordinate check (per-layer RMS of the output change of
            update 10). Trials are recorded in --db as runs {label}/w{width}; --shard i/n splits each width's trials (merge
            the shards, then re-run unsharded to continue with the next width).
            Example: algoperf transfer -a adamw -w sotu_llama --parameterisation mup --preset quick --db transfer.db
            """);
        options.AddTo(cmd);
        cmd.Options.Add(parameterisation);
        cmd.Options.Add(quick);
        WidthFamily? family = null;
        options.Default((parse, h) =>
        {
            var grid = parse.GetValue(quick) ? TransferGrid.Quick : TransferGrid.Default;
            family = h.Workloads.Count == 1 ? WidthFamilies.All.FirstOrDefault(f => f.Prefix == h.Workloads[0]) : null;
            if (family is not null) h.Workloads = [family.WorkloadName(family.BaseWidth, ParseParameterisation(parse.GetValue(parameterisation)) ?? Parameterisation.MuP)];
            h.Preset ??= family?.Presets[0];
            h.MaxSteps ??= grid.Steps;
            h.StepHint ??= grid.Steps;
            h.EvalEverySteps ??= h.MaxSteps;
            h.NoStopAtTarget = true;
            h.NoTestEval = true;
        });
        cmd.SetAction(parse => options.Host(parse, registries, context =>
        {
            var p = ParseParameterisation(parse.GetValue(parameterisation));
            if (p is null)
            {
                context.Error.WriteLine($"error: --parameterisation must be sp or mup (got '{parse.GetValue(parameterisation)}')");
                return ExitCodes.BadInput;
            }

            if (family is null || context.Options.Algorithms.Count != 1)
            {
                context.Error.WriteLine($"error: transfer takes one --algorithm and one width family as --workload ({string.Join(", ", WidthFamilies.All.Select(f => f.Prefix))})");
                return ExitCodes.BadInput;
            }

            var grid = parse.GetValue(quick) ? TransferGrid.Quick : TransferGrid.Default;
            return Execute(context, family, p.Value, grid, "algoperf " + string.Join(' ', parse.Tokens.Select(t => t.Value)));
        }));
        return cmd;
    }

    private static Parameterisation? ParseParameterisation(string? text) => text switch
    {
        null or "mup" => Parameterisation.MuP,
        "sp" => Parameterisation.Standard,
        _ => null,
    };

    private static int Execute(HarnessContext context, WidthFamily family, Parameterisation p, TransferGrid grid, string commandLine)
    {
        var o = context.Options;
        grid = grid with { Steps = o.MaxSteps ?? grid.Steps };
        grid.Validate();
        string spec = o.Algorithms[0];
        var algorithms = SweepJob.ResolveAlgorithms(context, o.Algorithms);
        var algorithm = algorithms[spec];
        if (!algorithm.Declared.Any(d => d.Name == "learning_rate") || !algorithm.Declared.Any(d => d.Name == "weight_decay"))
        {
            context.Error.WriteLine($"error: transfer varies learning_rate and weight_decay, and {algorithm.Name} does not declare both");
            return ExitCodes.BadInput;
        }

        if (p == Parameterisation.MuP && algorithm is not ITransferRule && algorithm is not ProbedAlgorithm)
        {
            context.Output.WriteLine($"note: {algorithm.Name} declares no width-transfer rule: µP initialisation with standard learning rates and decay");
        }

        string label = o.Label ?? $"transfer/{algorithm.Name}/{family.Prefix}/{(p == Parameterisation.MuP ? "mup" : "sp")}/{grid.Steps}steps";
        var (shard, shards) = SweepPlanner.ParseShard(o.Shard);
        var trialOptions = SweepJob.TrialOptions(o);
        using var store = ResultsStore.Open(o.Db);
        var trials = new List<TransferTrial>();
        double lr = algorithm.Defaults.GetDouble("learning_rate"), wd = algorithm.Defaults.GetDouble("weight_decay", 0);
        var results = new List<TransferWidthResult>();
        foreach (int multiple in grid.WidthMultiples)
        {
            int width = family.BaseWidth * multiple;
            var points = multiple == 1 ? grid.BasePoints(lr, wd) : grid.LocalPoints(lr, wd);
            var request = new SweepRequest($"{label}/w{width}", [family.WorkloadName(width, p)], [spec], TuningRuleset.ExternalTuning, 1, points.Count,
                o.Seed, SearchSpace.FromPoints(points), shard, shards, trialOptions);
            var summary = SweepJob.Sweep(context, store, request, commandLine, algorithms);
            if (summary.Interrupted) return ExitCodes.Interrupted;
            var done = Read(store, request.RunLabel, width);
            if (done.Count < points.Count)
            {
                context.Output.WriteLine($"width {width}: {done.Count} of {points.Count} trials finished in {o.Db}; merge the shards' databases and re-run without --shard to continue");
                return ExitCodes.Ok;
            }

            trials.AddRange(done);
            if (multiple == 1)
            {
                var best = done.Where(t => double.IsFinite(t.Loss)).MinBy(t => t.Loss)
                    ?? throw new InvalidOperationException($"every base-width trial of {request.RunLabel} diverged or failed; see algoperf report --db {o.Db}");
                (lr, wd) = (best.LearningRate, best.WeightDecay);
            }

            results.Add(TransferWidthResult.Of(width, done, lr));
        }

        Print(context.Output, label, family, p, results);
        var hyperparameters = TransferGrid.Point(lr, wd);
        var inProcess = algorithm is ProbedAlgorithm ? context.Registries.Algorithms(spec) : algorithm;
        int steps = (int)Math.Min(10, grid.Steps);
        context.Output.WriteLine($"coordinate check (RMS of each layer's output change in update {steps}, transferred point):");
        foreach (int multiple in grid.WidthMultiples)
        {
            int width = family.BaseWidth * multiple;
            using var workload = context.Registries.Workloads(family.WorkloadName(width, p), o.Preset);
            var check = CoordinateCheck.Measure(workload, inProcess, hyperparameters, steps, o.Seed);
            TransferStore.Write(store, label, algorithm.Name, family.Prefix, p == Parameterisation.MuP ? "mup" : "sp", grid.Steps, results.Single(r => r.Width == width), check);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  w{width,-5} ") + string.Join("  ", check.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Layer} {c.Rms:G3}"))));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The finished trials of run <paramref name="label"/>: final validation loss, +∞ when diverged, failed or timed out.</summary>
    internal static List<TransferTrial> Read(ResultsStore store, string label, int width)
    {
        var run = store.FindRun(label);
        if (run is null) return [];
        var result = new List<TransferTrial>();
        foreach (var t in store.Trials(run.Id).Where(t => t.State is not (TrialState.Pending or TrialState.Running)))
        {
            using var json = JsonDocument.Parse(t.HyperparametersJson);
            double lr = json.RootElement.GetProperty("learning_rate").GetDouble();
            double wd = json.RootElement.TryGetProperty("weight_decay", out var w) ? w.GetDouble() : 0;
            var evals = store.Evals(t.Id);
            var last = evals.Count > 0 ? evals[^1] : null;
            double loss = t.State == TrialState.Completed && last is not null && last.Metrics.TryGetValue("validation/loss", out double l) ? l : double.PositiveInfinity;
            result.Add(new TransferTrial(width, lr, wd, loss));
        }

        return result;
    }

    private static void Print(TextWriter output, string label, WidthFamily family, Parameterisation p, IReadOnlyList<TransferWidthResult> results)
    {
        output.WriteLine($"transfer '{label}': {family.Prefix}, {(p == Parameterisation.MuP ? "µP" : "standard parameterisation")}");
        output.WriteLine("  width  best lr     transferred lr  drift (2x steps)  best loss  transferred loss  regret");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Width,-5}  {r.BestLearningRate,-10:G4}  {r.TransferredLearningRate,-14:G4}  {r.DriftSteps,16:+0.0;-0.0;0}  {r.BestLoss,9:F4}  {r.TransferredLoss,16:F4}  {r.Regret,6:F4}"));
        }
    }
}
