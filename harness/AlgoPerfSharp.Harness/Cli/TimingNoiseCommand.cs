using System.CommandLine;
using AlgoPerfSharp.Harness.TimingNoise;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>timing-noise</c> command: the A/A timing-noise experiment's table and decision rule.</summary>
public static class TimingNoiseCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var db = new Option<string>("--db") { Description = "Results database holding the repetitions.", Required = true };
        var runs = new Option<string[]>("--run") { Description = "Label of one idle repetition (repeatable; each run is one A/A repetition)." };
        var noisy = new Option<string[]>("--noisy-run") { Description = "Label of one repetition run beside scripts/noisy-neighbour.sh (repeatable)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of Markdown." };
        var cmd = new Command("timing-noise", """
            Measure how noisy three time figures are on this machine: AlgoPerf's wall clock (the score), the process CPU time
            inside the timed calls, and the wall clock normalised by the speed probe run at every eval. Each --run (idle)
            and --noisy-run (beside scripts/noisy-neighbour.sh) is one repetition of the same small sweep, with one trial per
            workload × algorithm; per cell it prints the coefficient of variation across repetitions of time-to-target and
            of the median step time for each figure, and, given both conditions, whether each candidate at least halves the
            wall clock's CV under the neighbour (the rule for shipping it). scripts/timing-noise.sh runs the whole
            experiment. Exit code: 0 (informational), 2 bad input. Method: docs/timing-noise.md.
            Example: algoperf timing-noise --db results/noise.db --run idle-1 --run idle-2 --noisy-run busy-1 --noisy-run busy-2
            """) { db, runs, noisy, json };
        cmd.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            string[] idleLabels = parse.GetValue(runs) ?? [], noisyLabels = parse.GetValue(noisy) ?? [];
            if (idleLabels.Length + noisyLabels.Length < 2)
            {
                error.WriteLine("error: timing-noise needs at least two repetitions: pass --run LABEL and/or --noisy-run LABEL at least twice in all");
                return CliApp.BadInput;
            }

            if (idleLabels.Concat(noisyLabels).GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                error.WriteLine($"error: run '{Reports.SafeText.Terminal(twice.Key)}' is given twice; each repetition is one distinct run");
                return CliApp.BadInput;
            }

            using var store = ResultsStore.OpenReadOnly(parse.GetValue(db)!);
            TimingNoiseReport report;
            try
            {
                report = TimingNoiseReport.Compute(store, idleLabels.Length == 0 ? [] : ScoringCommands.SelectRuns(store, idleLabels),
                    noisyLabels.Length == 0 ? [] : ScoringCommands.SelectRuns(store, noisyLabels));
            }
            catch (ArgumentException e)
            {
                error.WriteLine("error: " + e.Message);
                return CliApp.BadInput;
            }

            parse.InvocationConfiguration.Output.Write(parse.GetValue(json) ? report.ToJson() + Environment.NewLine : report.ToMarkdown());
            return CliApp.Ok;
        });
        return cmd;
    }
}
