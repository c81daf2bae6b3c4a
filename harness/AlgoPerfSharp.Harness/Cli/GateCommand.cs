using System.CommandLine;
using AlgoPerfSharp.Harness.Gate;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary><c>algoperf gate</c>: the CI gate — a paired, interleaved run of a baseline and a candidate with verdicts.</summary>
internal static class GateCommand
{
    public static Command Build(Registries registries)
    {
        var baseline = new Argument<string>("BASELINE") { Description = "Baseline algorithm: a built-in name, a plugin .dll (optionally :name) or a plugin folder." };
        var candidate = new Argument<string>("CANDIDATE") { Description = "Candidate algorithm, the same forms (the same as BASELINE for an A/A check)." };
        var alpha = new Option<double>("--alpha") { Description = "Significance level α of each one-sided test, in (0, 0.5).", DefaultValueFactory = _ => 0.05 };
        var effect = new Option<double>("--min-effect") { Description = "Minimum relative effect δ worth a verdict, in [0, 1); 0.05 = 5%.", DefaultValueFactory = _ => 0.05 };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the verdict table as markdown to this file (e.g. a CI job summary)." };
        var json = new Option<string?>("--json") { Description = "Also write the verdicts as JSON to this file." };
        var options = new HarnessCommandOptions();
        options.Add(new Option<string[]>("--workload", "-w") { Description = "Workloads (repeatable). Default: the base workloads (fashion_mnist_resnet, fashion_mnist_vit, sotu_llama)." }, (h, v) => h.Workloads = [.. v]);
        options.Add(new Option<int>("--studies") { Description = $"Studies per workload and side (≥ 1; default {GateJob.DefaultStudies}, the fewest that can flag anything at α = 0.05)." }, (h, v) => h.Studies = v);
        options.Add(new Option<string>("--search-space") { Description = "JSON list with exactly one hyperparameter point, trained by both sides. Default: each algorithm's own defaults." }, (h, v) => h.SearchSpace = v);
        options.Add(new Option<bool>("--in-process") { Description = "Run trials in this process instead of isolated worker processes (debugging)." }, (h, v) => h.InProcess = v);
        options.Add(new Option<double>("--max-memory") { Description = "Kill a worker whose resident memory exceeds this many MB (its trial fails)." }, (h, v) => h.MaxMemory = v);
        options.Add(new Option<double>("--trial-timeout") { Description = "Wall-clock limit of one trial in seconds. Default: 3 × the budget + 2 min." }, (h, v) => h.TrialTimeout = v);
        options.Add(new Option<int>("--retries") { Description = "Restarts of a crashed worker from its checkpoint. Default 1." }, (h, v) => h.Retries = v);
        options.Add(new Option<string>("--checkpoints") { Description = "Checkpoint folder (resume after Ctrl+C). Default: <db>.checkpoints." }, (h, v) => h.Checkpoints = v);
        options.AddCommon();
        options.Default((parse, h) =>
        {
            h.Algorithms = [parse.GetValue(baseline)!, parse.GetValue(candidate)!];
            if (h.Workloads.Count == 0) h.Workloads = [.. registries.BaseWorkloads()];
            h.Preset ??= GateJob.DefaultPreset;
            h.Studies ??= GateJob.DefaultStudies;
            h.Label ??= GateJob.DefaultLabel;
        });
        var cmd = new Command("gate", $"""
            The CI gate: does CANDIDATE regress against BASELINE? Runs both in one invocation on the same machine and
            compares them study by study. Protocol: each workload (default: the base workloads at the {GateJob.DefaultPreset} preset) trains
            both algorithms at one fixed hyperparameter point (each one's defaults, or --search-space) for N studies
            (--studies, default {GateJob.DefaultStudies}); study s of both sides uses the same data and initialisation seeds, so CPU
            training follows the same path unless the algorithm changed. Trials run interleaved, pair by pair (base s,
            candidate s, then candidate s+1, base s+1, …), so drift of a shared machine hits both sides alike. Evals run
            every ⌈step hint / {GateJob.EvalsPerStepHint}⌉ steps (a fixed step grid; --eval-every-steps overrides), validation only,
            and every trial trains to the step hint — the end of the learning-rate schedules; --max-steps overrides — or
            its budget, past the target.
            Verdicts per workload, each from the per-study candidate/baseline ratios with an exact one-sided Wilcoxon
            signed-rank test at α and a minimum effect δ (Hodges–Lehmann ratio and its interval; method: docs/scoring.md):
              step time        the trial's median step wall time — catches a slower step;
              steps-to-target  the step of the first eval meeting the target (∞ if never) — catches worse convergence;
              time-to-target   AlgoPerf's submission time at that eval (∞ if never) — the two combined;
              final metric     the validation metric at the last eval (as a cost) — convergence even when
                               neither side reaches the target.
            regression = significantly worse by ≥ δ; improvement = significantly better by ≥ δ; no change = the
            interval lies within ±δ; inconclusive = neither. With 5 studies the smallest p is 1/32; fewer studies can
            never flag a regression at α = 0.05. Results go to --db as runs LABEL.baseline and LABEL.candidate (--label,
            default {GateJob.DefaultLabel}); re-running the same command resumes and reuses finished trials, so use a fresh --label or
            --db for a new comparison. Exit codes: 0 no regression; 1 a regression, or a trial that failed or timed out;
            2 bad input; 130 interrupted (re-run to resume).
            Examples: algoperf gate adamw path/to/MyPlugin.dll --db gate.db --markdown gate.md
                      algoperf gate adamw adamw --studies 5 -w fashion_mnist_resnet --label aa
            """) { baseline, candidate, alpha, effect, markdown, json };
        options.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            ComparisonOptions comparison;
            try
            {
                comparison = new ComparisonOptions(parse.GetValue(alpha), parse.GetValue(effect));
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --alpha must be in (0, 0.5) and --min-effect in [0, 1) ({e.Message})");
                return CliApp.BadInput;
            }

            string line = "algoperf " + string.Join(' ', parse.Tokens.Select(t => t.Value));
            return options.Host(parse, registries, context => GateJob.Execute(
                context, parse.GetValue(baseline)!, parse.GetValue(candidate)!, comparison, parse.GetValue(markdown), parse.GetValue(json), line));
        });
        return cmd;
    }
}
