using System.CommandLine;
using System.Globalization;
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
        var quick = new Option<bool>("--quick") { Description = "The quick ladder for testing the command: ×1 and ×2 widths, 3 learning rates, 20 steps per trial, no edge extensions." };
        var extensions = new Option<int?>("--edge-extensions") { Description = "At most this many extra learning rates per width (one trial each, 2× beyond the edge) while the width's best lies on the edge of the rates tried (below the smallest when every rate diverged), so a drifting optimum is bracketed rather than clipped. Default 3 (0 with --quick)." };
        var set = new Option<string[]>("--set")
        {
            Description = "Fix one of the algorithm's other hyperparameters in every trial of the ladder, NAME=VALUE (repeatable), e.g. " +
                          "adam_learning_rate=0.004 for Muon's Adam side (embeddings, norms, the zero-initialised µP readout), which the " +
                          "ladder does not tune. Checked against the algorithm's declared hyperparameters; learning_rate and weight_decay " +
                          "are the ladder's to tune. Recorded with each trial and part of the ladder's identity (the default label ends in " +
                          "/NAME=VALUE; resuming a label with other values is refused). Not read from --config.",
            AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("transfer", """
            Hyperparameter transfer across width (arXiv 2512.05620): on a width ladder (-w sotu_llama or fashion_mnist_mlp;
            widths ×1, ×2, ×4, ×8 of the base 64), tune learning rate × weight decay at the base width, then run the
            transferred point and a ±2× learning-rate grid at every wider member, a fixed number of steps each. Prints the
            optimum learning rate vs width (drift in grid steps; 0 = transfers), the regret of the transferred point
            (its final validation loss − the width's best), a coordinate check (per-layer RMS of the output change of
            update 10) and, when the database holds AdamW's ladder of the same family, parameterisation and steps, the
            compute relative to AdamW's to reach the base width's loss. --dry-run times a few steps and one eval of each
            width in-process and prints the ladder's trials and estimated wall time (warning above 60 min); nothing is
            recorded. Trials are recorded in --db as runs {label}/w{width}; --shard i/n splits each width's trials (merge
            the shards, then re-run unsharded to continue with the next width). --set NAME=VALUE fixes another
            hyperparameter in every trial (e.g. Muon's adam_learning_rate).
            Example: algoperf transfer -a adamw -w sotu_llama --parameterisation mup --preset quick --db transfer.db
            """);
        options.AddTo(cmd);
        cmd.Options.Add(parameterisation);
        cmd.Options.Add(quick);
        cmd.Options.Add(extensions);
        cmd.Options.Add(set);
        WidthFamily? family = null;
        options.Default((parse, h) =>
        {
            var grid = parse.GetValue(quick) ? TransferGrid.Quick : TransferGrid.Default;
            family = h.Workloads.Count == 1 ? WidthFamilies.All.FirstOrDefault(f => f.Prefix == h.Workloads[0]) : null;
            if (family is not null) h.Workloads = [family.WorkloadName(family.BaseWidth, ParseParameterisation(parse.GetValue(parameterisation)) ?? Parameterisation.MuP)];
            h.Preset ??= family?.Presets[0];
            h.MaxSteps ??= grid.Steps;
            h.StepHint ??= grid.Steps;
            h.EvalEverySteps ??= Math.Max(1, h.MaxSteps.Value / TransferGrid.EvalsPerTrial);
            h.MaxRuntime ??= TransferGrid.TrialBudgetSeconds;
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
            if (parse.GetValue(extensions) is { } n)
            {
                if (n < 0)
                {
                    context.Error.WriteLine($"error: --edge-extensions must be ≥ 0 (got {n})");
                    return ExitCodes.BadInput;
                }

                grid = grid with { EdgeExtensions = n };
            }

            return Execute(context, family, p.Value, grid, parse.GetValue(set) ?? [], "algoperf " + string.Join(' ', parse.Tokens.Select(t => t.Value)));
        }));
        return cmd;
    }

    private static Parameterisation? ParseParameterisation(string? text) => text switch
    {
        null or "mup" => Parameterisation.MuP,
        "sp" => Parameterisation.Standard,
        _ => null,
    };

    private static int Execute(HarnessContext context, WidthFamily family, Parameterisation p, TransferGrid grid, IReadOnlyList<string> assignments, string commandLine)
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

        FixedHyperparameters fixedValues;
        try
        {
            fixedValues = FixedHyperparameters.Parse(assignments, algorithm);
        }
        catch (Exception e) when (e is FormatException or HyperparameterException)
        {
            context.Error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }

        if (p == Parameterisation.MuP && algorithm is not ITransferRule && algorithm is not ProbedAlgorithm)
        {
            context.Output.WriteLine($"note: {algorithm.Name} declares no width-transfer rule: µP initialisation with standard learning rates and decay");
        }

        if (o.DryRun) return DryRun(context, family, p, grid, spec, algorithm, fixedValues);

        string label = o.Label ?? $"transfer/{algorithm.Name}/{family.Prefix}/{(p == Parameterisation.MuP ? "mup" : "sp")}/{grid.Steps}steps" +
            (fixedValues.IsEmpty ? string.Empty : "/" + fixedValues.LabelPart());
        var (shard, shards) = SweepPlanner.ParseShard(o.Shard);
        var trialOptions = SweepJob.TrialOptions(o);
        using var store = ResultsStore.Open(o.Db);
        // --set is part of the ladder's identity: its recorded trials (every width, every extension) must have run with the same values
        if (OtherFixed(store, label, fixedValues) is { } other)
        {
            context.Error.WriteLine($"error: {other.Run} in {o.Db} was recorded with {other.Recorded.Describe()}; this command gives {fixedValues.Describe()}: a ladder's trials share their fixed hyperparameters; give the same --set, or use another --label or --db");
            return ExitCodes.BadInput;
        }

        if (!fixedValues.IsEmpty) context.Output.WriteLine($"transfer '{label}': every trial runs with {fixedValues} (--set)");
        var trials = new List<TransferTrial>();
        double lr = algorithm.Defaults.GetDouble("learning_rate"), wd = algorithm.Defaults.GetDouble("weight_decay", 0);
        var results = new List<TransferWidthResult>();
        var diverged = new List<int>();
        foreach (int multiple in grid.WidthMultiples)
        {
            int width = family.BaseWidth * multiple;
            var points = (multiple == 1 ? grid.BasePoints(lr, wd) : grid.LocalPoints(lr, wd)).Select(fixedValues.Apply).ToList();
            string runLabel = $"{label}/w{width}";
            if (multiple > 1 && Read(store, runLabel, width, grid.Steps) is { Count: > 0 } earlier && !SameRates(earlier, points))
            {
                context.Error.WriteLine($"error: {runLabel} in {o.Db} was recorded around another transferred learning rate ({string.Join(", ", earlier.Select(t => t.LearningRate.ToString("G4", CultureInfo.InvariantCulture)).Distinct())}) than the base width's best now ({lr.ToString("G4", CultureInfo.InvariantCulture)}): the base width's trials changed since; use another --label or --db");
                return ExitCodes.BadInput;
            }

            var request = new SweepRequest(runLabel, [family.WorkloadName(width, p)], [spec], TuningRuleset.ExternalTuning, 1, points.Count,
                o.Seed, SearchSpace.FromPoints(points), shard, shards, trialOptions, CommonSeeds: true);
            var summary = SweepJob.Sweep(context, store, request, commandLine, algorithms);
            if (summary.Interrupted) return ExitCodes.Interrupted;
            var done = Read(store, request.RunLabel, width, grid.Steps);
            if (done.Count < points.Count)
            {
                context.Output.WriteLine(Unfinished(width, $"{done.Count} of {points.Count} trials", o.Db, summary.Busy, shards > 1));
                return ExitCodes.Ok;
            }

            // an optimum on the grid's edge is only a bound: extend the learning rates that way (unsharded) until it is bracketed
            for (int k = 1; k <= grid.EdgeExtensions && shards == 1; k++)
            {
                var best = TransferTrial.Best(done);
                double decay = multiple == 1 ? best?.WeightDecay ?? wd : wd;
                if (TransferGrid.NextEdgeRate(done, decay) is not { } next) break;
                string why = best is null ? "no learning rate tried has a finite loss and some diverged" : string.Create(CultureInfo.InvariantCulture, $"the best learning rate, {best.LearningRate:G4}, is on the edge of those tried");
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"width {width}: {why}; trying {next:G4} (edge extension {k} of at most {grid.EdgeExtensions})"));
                // numbered after the width's grid (trial {points + k − 1}): its key differs from the grid's trials, so runs score together
                var edge = request with { RunLabel = $"{runLabel}/edge{k}", Trials = 1, FirstTrial = points.Count + k - 1, SearchSpace = SearchSpace.FromPoints([fixedValues.Apply(TransferGrid.Point(next, decay))]) };
                var edgeSummary = SweepJob.Sweep(context, store, edge, commandLine, algorithms);
                if (edgeSummary.Interrupted) return ExitCodes.Interrupted;
                var extra = Read(store, edge.RunLabel, width, grid.Steps);
                if (extra.Count == 0)
                {
                    // another process holds its lease (it is running it): the width cannot go on without its result
                    context.Output.WriteLine(Unfinished(width, string.Create(CultureInfo.InvariantCulture, $"0 of 1 trials of edge extension {k} (learning rate {next:G4})"), o.Db, edgeSummary.Busy, sharded: false));
                    return ExitCodes.Ok;
                }

                done = [.. done, .. extra];
            }

            trials.AddRange(done);
            if (multiple == 1)
            {
                var best = TransferTrial.Best(done);
                if (best is null)
                {
                    string rates = "learning rates " + TransferTrial.RateRange(done);
                    context.Error.WriteLine(done.Any(t => t.Diverged)
                        ? $"error: every base-width trial of {request.RunLabel} diverged or failed ({rates}): nothing to transfer; see algoperf report --db {o.Db}, or give --edge-extensions to try lower rates"
                        : $"error: every base-width trial of {request.RunLabel} failed without diverging ({rates}): nothing to transfer; each trial's error is above and in algoperf report --db {o.Db}");
                    return ExitCodes.Failed;
                }

                (lr, wd) = (best.LearningRate, best.WeightDecay);
            }

            if (TransferTrial.Best(done) is not null) results.Add(TransferWidthResult.Of(width, done, lr));
            else
            {
                // a result, not an error: the wider widths still run around the same transferred rate
                diverged.Add(width);
                context.Output.WriteLine($"width {width}: every learning rate tried ({TransferTrial.RateRange(done)}) diverged or failed: no optimum and no regret at this width");
            }
        }

        Print(context.Output, label, family, p, fixedValues, results, diverged, lr);
        PrintRelativeCompute(context.Output, store, o.Db, label, algorithm.Name, family, p, grid);
        var hyperparameters = fixedValues.Apply(TransferGrid.Point(lr, wd));
        var inProcess = algorithm is ProbedAlgorithm ? context.Registries.Algorithms(spec) : algorithm;
        int steps = (int)Math.Min(10, grid.Steps);
        context.Output.WriteLine($"coordinate check (RMS of each layer's output change in update {steps}, transferred point):");
        foreach (int multiple in grid.WidthMultiples)
        {
            int width = family.BaseWidth * multiple;
            using var workload = context.Registries.Workloads(family.WorkloadName(width, p), o.Preset);
            var check = CoordinateCheck.Measure(workload, inProcess, hyperparameters, steps, o.Seed);
            // a width where everything diverged has no summary row (transfer_widths holds optima and regrets)
            if (results.SingleOrDefault(r => r.Width == width) is { } result)
            {
                TransferStore.Write(store, label, algorithm.Name, family.Prefix, p == Parameterisation.MuP ? "mup" : "sp", grid.Steps, result, check);
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  w{width,-5} ") + string.Join("  ", check.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Layer} {c.Rms:G3}"))));
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// The line saying a width's trials are not all finished and how to continue: another process is running
    /// <paramref name="busy"/> of them (re-run once it has finished), or the rest belong to other shards (merge, then
    /// re-run unsharded), or neither (re-run).
    /// </summary>
    private static string Unfinished(int width, string finished, string db, int busy, bool sharded) =>
        $"width {width}: {finished} finished in {db}; " + (busy > 0 ? $"another process is running {busy} of them: re-run this command once it has finished to continue"
            : sharded ? "merge the shards' databases and re-run without --shard to continue"
            : "re-run this command to continue");

    /// <summary>
    /// The first run of ladder <paramref name="label"/> (<c>{label}/w{width}</c>, its edge extensions included) with a
    /// trial recorded under other fixed hyperparameters than <paramref name="fixedValues"/>, and those; null when every
    /// recorded trial agrees (or there is none).
    /// </summary>
    internal static (string Run, FixedHyperparameters Recorded)? OtherFixed(ResultsStore store, string label, FixedHyperparameters fixedValues)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var run in store.Runs().Where(r => TransferRuns.LadderLabel(r.Label) == label).OrderBy(r => r.Label, StringComparer.Ordinal))
        {
            foreach (var t in store.Trials(run.Id))
            {
                var recorded = FixedHyperparameters.Of(StoredTrials.ToSpec(t).Hyperparameters);
                if (!recorded.Same(fixedValues)) return (run.Label, recorded);
            }
        }

        return null;
    }

    /// <summary>Whether recorded trials ran exactly the learning rates of <paramref name="points"/>.</summary>
    private static bool SameRates(IReadOnlyList<TransferTrial> trials, IReadOnlyList<Hyperparameters> points) =>
        trials.All(t => points.Any(q => TransferWidthResult.SameRate(t.LearningRate, q.GetDouble("learning_rate"))));

    /// <summary>
    /// The finished trials of run <paramref name="label"/> with their loss curves: final validation loss, +∞ when
    /// diverged, failed, timed out or stopped before <paramref name="steps"/> (<see cref="TransferRuns.Trial"/>).
    /// </summary>
    internal static List<TransferTrial> Read(ResultsStore store, string label, int width, long steps)
    {
        var run = store.FindRun(label);
        if (run is null) return [];
        return [.. store.Trials(run.Id).Where(t => t.State is not (TrialState.Pending or TrialState.Running)).Select(t => TransferRuns.Trial(t, store.Evals(t.Id), width, steps))];
    }

    /// <summary>
    /// <c>--dry-run</c>: the ladder's trials per width with each width's step and eval time measured in-process
    /// (<see cref="TransferProbe"/>), the estimated wall time and, above 60 min, a warning. Opens no database.
    /// </summary>
    private static int DryRun(HarnessContext context, WidthFamily family, Parameterisation p, TransferGrid grid, string spec, ITrainingAlgorithm algorithm, FixedHyperparameters fixedValues)
    {
        var o = context.Options;
        var inProcess = algorithm is ProbedAlgorithm ? context.Registries.Algorithms(spec) : algorithm;
        double lr = algorithm.Defaults.GetDouble("learning_rate"), wd = algorithm.Defaults.GetDouble("weight_decay", 0);
        long every = o.EvalEverySteps ?? Math.Max(1, grid.Steps / TransferGrid.EvalsPerTrial);
        var rows = new List<TransferWidthEstimate>();
        foreach (int multiple in grid.WidthMultiples)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            int width = family.BaseWidth * multiple;
            using var workload = context.Registries.Workloads(family.WorkloadName(width, p), o.Preset);
            var (step, eval) = TransferProbe.Measure(workload, inProcess, fixedValues.Apply(TransferGrid.Point(lr, wd)), seed: o.Seed);
            int trials = multiple == 1 ? grid.BasePoints(lr, wd).Count : grid.LocalPoints(lr, wd).Count;
            rows.Add(new TransferWidthEstimate(width, trials, grid.Steps, step, TransferWidthEstimate.Evals(grid.Steps, every), eval));
        }

        var estimate = new TransferEstimate(rows, TransferEstimate.MeasuredOverheadSeconds, (int)Math.Min(10, grid.Steps), grid.EdgeExtensions);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dry run: transfer {algorithm.Name} on {family.Prefix} ({(p == Parameterisation.MuP ? "µP" : "standard parameterisation")}, preset {o.Preset}), {grid.Steps} steps per trial, an eval every {every} steps{(fixedValues.IsEmpty ? "" : $", {fixedValues} in every trial (--set)")}; step and eval times measured now, in-process (nothing recorded):"));
        context.Output.WriteLine(estimate.ToText());
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Prints <see cref="RelativeCompute"/> per width against AdamW's ladder in the same database (same family,
    /// parameterisation and steps; <see cref="TransferRuns.AdamWReference"/>: this ladder's <c>--set</c> values play no
    /// part), or one line saying why it cannot.
    /// </summary>
    internal static void PrintRelativeCompute(TextWriter output, ResultsStore store, string db, string label, string algorithm, WidthFamily family, Parameterisation p, TransferGrid grid)
    {
        string pKey = p == Parameterisation.MuP ? "mup" : "sp";
        var ladders = TransferRuns.Load(store, store.Runs());
        var mine = ladders.FirstOrDefault(l => l.Label == label);
        // the reference is chosen by family, parameterisation and steps alone: this ladder's --set values do not matter
        var adamw = TransferRuns.AdamWReference(ladders.Where(l => l.Family == family.Prefix && l.Parameterisation == pKey && l.Steps == grid.Steps));
        if (algorithm == "adamw")
        {
            output.WriteLine(mine is { Fixed.Length: > 0 } && adamw is not null && adamw.Label != label
                ? $"AdamW-relative compute: this AdamW ladder fixes {mine.Fixed} (--set); the other algorithms' reference is AdamW's ladder without --set, '{adamw.Label}'"
                : "AdamW-relative compute: this is AdamW's ladder, the reference of the other algorithms' (1× by definition)");
            return;
        }

        if (mine is null) return;
        if (adamw is null)
        {
            output.WriteLine($"AdamW-relative compute: {db} has no adamw ladder of {family.Prefix} ({pKey}, {grid.Steps} steps); run `algoperf transfer -a adamw -w {family.Prefix} --parameterisation {pKey}{(grid.Steps == TransferGrid.Quick.Steps ? " --quick" : "")} --db {db}` and re-run this command");
            return;
        }

        var rows = RelativeCompute.Of(mine, adamw);
        if (rows.Count == 0)
        {
            output.WriteLine($"AdamW-relative compute: no finite base-width loss in {(mine.BestTrial(mine.BaseWidth) is null ? label : adamw.Label)}");
            return;
        }

        output.WriteLine(RelativeText(rows, adamw.Label));
    }

    /// <summary>The AdamW-relative compute table: per width, steps to the target and AdamW's steps ÷ them, for the transferred and the best point.</summary>
    internal static string RelativeText(IReadOnlyList<RelativeCompute> rows, string adamwLabel)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(c, $"AdamW-relative compute to reach validation loss {rows[0].Target:F4} (the worse of the two ladders' best base-width losses; AdamW: '{adamwLabel}').");
        text.AppendLine("  multiplier = AdamW's steps ÷ this algorithm's to that loss at the same width (arXiv 2512.05620's C_AdamW/C; > 1 = fewer steps); time = the same with submission seconds");
        text.AppendLine(c, $"  {"width",-6} {"steps",9} {"adamw",9} {"×",6} {"time ×",7}   {"best: steps",11} {"adamw",9} {"×",6} {"time ×",7}");
        foreach (var r in rows)
        {
            text.AppendLine(c, $"  {r.Width,-6} {Steps(r.Transferred.Steps),9} {Steps(r.AdamWTransferred.Steps),9} {Times(r.TransferredMultiplier),6} {Times(r.TransferredTimeMultiplier),7}   {Steps(r.Best.Steps),11} {Steps(r.AdamWBest.Steps),9} {Times(r.BestMultiplier),6} {Times(r.BestTimeMultiplier),7}");
        }

        text.Append("  (steps: the transferred point's; best: the width's best point's; ∞ = never reached it)");
        return text.ToString();
    }

    /// <summary>A loss (or regret) to 4 decimals; one that blew up (a finite 7E+12) in 4 significant digits; +∞ as ∞.</summary>
    internal static string Loss(double x) => double.IsPositiveInfinity(x) ? "∞" : x.ToString(Math.Abs(x) < 1e5 ? "F4" : "G4", CultureInfo.InvariantCulture);

    private static string Steps(double s) => double.IsFinite(s) ? s.ToString("F1", CultureInfo.InvariantCulture) : "∞";

    private static string Times(double m) => double.IsNaN(m) ? "n/a" : double.IsPositiveInfinity(m) ? "∞" : m.ToString("F2", CultureInfo.InvariantCulture);

    private static void Print(TextWriter output, string label, WidthFamily family, Parameterisation p, FixedHyperparameters fixedValues,
        IReadOnlyList<TransferWidthResult> results, IReadOnlyList<int> diverged, double transferred)
    {
        output.WriteLine($"transfer '{label}': {family.Prefix}, {(p == Parameterisation.MuP ? "µP" : "standard parameterisation")}{(fixedValues.IsEmpty ? "" : $"; {fixedValues} in every trial (--set)")}");
        output.WriteLine("  width  best lr     transferred lr  drift (2x steps)  best loss  transferred loss  regret");
        foreach (int width in results.Select(r => r.Width).Concat(diverged).Order())
        {
            output.WriteLine(results.SingleOrDefault(r => r.Width == width) is { } r
                ? string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Width,-5}  {r.BestLearningRate,-10:G4}  {r.TransferredLearningRate,-14:G4}  {r.DriftSteps,16:+0.0;-0.0;0}  {Loss(r.BestLoss),9}  {Loss(r.TransferredLoss),16}  {Loss(r.Regret),6}")
                : string.Create(CultureInfo.InvariantCulture, $"  {width,-5}  {"none",-10}  {transferred,-14:G4}  every learning rate tried diverged or failed"));
        }
    }
}
