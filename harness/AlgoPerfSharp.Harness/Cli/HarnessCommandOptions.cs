using System.CommandLine;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>
/// The command-line options of the hosted commands, each mapped onto a <see cref="HarnessOptions"/> property. Only
/// options actually given override the <c>--config</c> file.
/// </summary>
internal sealed class HarnessCommandOptions
{
    private readonly List<Option> _options = [];
    private readonly List<Action<ParseResult, HarnessOptions>> _apply = [];

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "JSON file of settings (keys: the long option names in PascalCase, e.g. {\"Db\": \"x.db\", \"Workloads\": [\"sotu_llama\"], \"MaxRuntime\": 60}); command-line options override it.",
    };

    /// <summary>The options for <c>run</c>/<c>sweep</c>.</summary>
    public static HarnessCommandOptions ForSweep(bool single)
    {
        var o = new HarnessCommandOptions();
        o.Add(new Option<string[]>("--workload", "-w") { Description = single ? "The workload (see: algoperf list)." : "Workload names (repeatable). Default with --plan: the base workloads." }, (h, v) => h.Workloads = [.. v]);
        o.Add(new Option<string[]>("--algorithm", "-a") { Description = single ? "The algorithm: a built-in name, a plugin .dll (optionally :name) or a plugin folder." : "Algorithms (repeatable): built-in names or plugin paths. Default with --plan: the eight algorithms of the main job (quick, smoke) or every built-in (extended, full)." }, (h, v) => h.Algorithms = [.. v]);
        o.AddCommon();
        if (!single)
        {
            o.Add(new Option<string>("--plan") { Description = "Sweep plan filling unset options: quick (self-tuning, 3 studies, the eight main-job algorithms × base workloads at the quick preset; the main job), extended (quick with every built-in), smoke (same at tiny, ~1 min), full (external, 3 studies × 5 trials at cpu), dlrm (quick's settings and algorithms on the synthetic click-log DLRMs, plain and QR; calibrated at the quick preset only)." }, (h, v) => h.Plan = v);
            o.Add(new Option<bool>("--dry-run") { Description = "Print the plan's trial count and how --shard i/n splits it (per shard: trials and budget-seconds), then exit: nothing runs, the database is not opened." }, (h, v) => h.DryRun = v);
            o.Add(new Option<string>("--shard") { Description = "Run only shard i of n (0-based), e.g. 0/4; merge the shard databases with `algoperf merge`." }, (h, v) => h.Shard = v);
        }

        o.Add(new Option<string>("--ruleset") { Description = "external (tuned over a search space; default) or self (one run per study with defaults, budget × 1.5)." }, (h, v) => h.Ruleset = v);
        o.Add(new Option<int>("--studies") { Description = "Studies (independent repetitions with their own seeds; ≥ 2 give the leaderboard intervals). Default 1; the quick and full plans: 3." }, (h, v) => h.Studies = v);
        o.Add(new Option<int>("--trials") { Description = "Trials per study under external tuning. Default 5." }, (h, v) => h.Trials = v);
        o.Add(new Option<string>("--search-space") { Description = "Search space JSON (AlgoPerf format) replacing the algorithm's own." }, (h, v) => h.SearchSpace = v);
        o.Add(new Option<bool>("--in-process") { Description = "Run trials in this process instead of isolated worker processes (debugging)." }, (h, v) => h.InProcess = v);
        o.Add(new Option<double>("--max-memory") { Description = "Kill a worker whose resident memory exceeds this many MB (its trial fails). Default: 80% of RAM." }, (h, v) => h.MaxMemory = v);
        o.Add(new Option<double>("--trial-timeout") { Description = "Wall-clock limit of one trial in seconds (the worker is killed; TimedOut). Default: 3 × the trial's budget (with its ruleset multiplier) + 2 min." }, (h, v) => h.TrialTimeout = v);
        o.Add(new Option<int>("--retries") { Description = "Restart a worker that crashed or was killed from its trial's last checkpoint up to N times before the trial counts as failed. Default 1." }, (h, v) => h.Retries = v);
        o.Add(new Option<string>("--checkpoints") { Description = "Checkpoint folder (resume after Ctrl+C). Default: <db>.checkpoints." }, (h, v) => h.Checkpoints = v);
        o.Add(new Option<double>("--checkpoint-every") { Description = "Wall-clock seconds between a trial's checkpoints (written at its first eval, then at the first eval this long after the last one; always on Ctrl+C): a killed worker loses at most this much. 0 = at every eval. Default 10." }, (h, v) => h.CheckpointEvery = v);
        o.Add(new Option<string>("--export-csv") { Description = "Also write each trial's AlgoPerf eval_measurements.csv below this folder." }, (h, v) => h.ExportCsv = v);
        o.Add(new Option<bool>("--no-stop-at-target") { Description = "Train to the budget even after reaching the target." }, (h, v) => h.NoStopAtTarget = v);
        o.Add(new Option<bool>("--no-test-eval") { Description = "Evaluate only the validation split at each eval (no test-target times; less eval work). Set by --plan quick." }, (h, v) => h.NoTestEval = v);
        o.Add(new Option<bool>("--allow-failures") { Description = "Exit 0 even when trials failed or timed out (default: exit 1 then; diverged trials are results and never count)." }, (h, v) => h.AllowFailures = v);
        return o;
    }

    /// <summary>The options for <c>bench</c>.</summary>
    public static HarnessCommandOptions ForBench()
    {
        var o = new HarnessCommandOptions();
        o.Add(new Option<string>("--workload", "-w") { Description = "The workload." }, (h, v) => h.Workloads = [v]);
        o.Add(new Option<string>("--algorithm", "-a") { Description = "The algorithm (built-in name or plugin path)." }, (h, v) => h.Algorithms = [v]);
        o.Add(new Option<string>("--json") { Description = "Also write the result as JSON to this file ('-' = print JSON instead of text)." }, (h, v) => h.Output = v);
        o.AddCommon();
        return o;
    }

    /// <summary>The options for <c>calibrate</c>.</summary>
    public static HarnessCommandOptions ForCalibrate()
    {
        var o = new HarnessCommandOptions();
        o.Add(new Option<string>("--workload", "-w") { Description = "The workload to calibrate." }, (h, v) => h.Workloads = [v]);
        o.Add(new Option<string[]>("--algorithm", "-a") { Description = "The baselines to tune (repeatable). Default: adamw and nadamw." }, (h, v) => h.Algorithms = [.. v]);
        o.Add(new Option<int>("--trials", "-n") { Description = "N: tuning trials per baseline (AlgoPerf: 20+; default 5)." }, (h, v) => h.Trials = v);
        o.Add(new Option<int>("--seeds", "-k") { Description = "K: seeds the best configuration is rerun with (default 3)." }, (h, v) => h.Seeds = v);
        o.Add(new Option<string>("--json") { Description = "Where to write the proposed constants. Default: calibration-<workload>-<preset>.json." }, (h, v) => h.Output = v);
        o.Add(new Option<bool>("--in-process") { Description = "Run trials in this process instead of worker processes." }, (h, v) => h.InProcess = v);
        o.Add(new Option<bool>("--no-test-eval") { Description = "Evaluate only the validation split (faster; the proposed test target is then not measured)." }, (h, v) => h.NoTestEval = v);
        o.Add(new Option<bool>("--no-long-run") { Description = "Skip step 4, the run of 4 × the proposed budget that checks the target lies ≥ 90 % of the way to that run's best." }, (h, v) => h.NoLongRun = v);
        o.AddCommon();
        o._apply.Add((_, h) =>
        {
            if (h.Algorithms.Count == 0) h.Algorithms = ["adamw", "nadamw"];
        });
        return o;
    }

    /// <summary>The options shared by every hosted command: database, label, seed, preset, budgets, eval cadence, log.</summary>
    public HarnessCommandOptions AddCommon()
    {
        Add(new Option<string>("--db") { Description = $"Results database (SQLite). Default: {CliApp.DefaultDatabase}." }, (h, v) => h.Db = v);
        Add(new Option<string>("--label") { Description = "Run label; re-running with the same label resumes (skips finished trials, resumes interrupted ones)." }, (h, v) => h.Label = v);
        Add(new Option<ulong>("--seed") { Description = "Sweep seed: every trial's data, init and sampling seeds derive from it. Default 0." }, (h, v) => h.Seed = v);
        Add(new Option<string>("--preset") { Description = "Workload size preset: cpu (default; minutes per trial), quick (smaller models, ~30 s budgets; the main job), tiny (seconds; smoke tests) or gpu (untested here)." }, (h, v) => h.Preset = v);
        Add(new Option<string>("--device") { Description = "Where models train and evaluate: auto (default: cuda:0 with --preset gpu when libtorch sees a CUDA device, else cpu), cpu, cuda or cuda:N. The CUDA path is build-ready but untested (no GPU here)." }, (h, v) => h.Device = v);
        Add(new Option<double>("--max-runtime") { Description = "Override the workload's budget, in timed seconds (before the ruleset's multiplier)." }, (h, v) => h.MaxRuntime = v);
        Add(new Option<double>("--eval-period") { Description = "Override the workload's eval period, in timed seconds." }, (h, v) => h.EvalPeriod = v);
        Add(new Option<long>("--max-steps") { Description = "Stop each trial after this many steps." }, (h, v) => h.MaxSteps = v);
        Add(new Option<long>("--step-hint") { Description = "Override the workload's step hint: the horizon of the algorithms' learning-rate schedules." }, (h, v) => h.StepHint = v);
        Add(new Option<long>("--eval-every-steps") { Description = "Evaluate every this many steps instead of by time (deterministic eval points)." }, (h, v) => h.EvalEverySteps = v);
        Add(new Option<string>("--log") { Description = "Log file. Default: <db>.log." }, (h, v) => h.LogFile = v);
        return this;
    }

    /// <summary>Fills settings that neither the command line nor <c>--config</c> gave (runs after both, before validation).</summary>
    public void Default(Action<ParseResult, HarnessOptions> fill) => _apply.Add(fill);

    /// <summary>Adds an option and how it sets its setting.</summary>
    public void Add<T>(Option<T> option, Action<HarnessOptions, T> set)
    {
        _options.Add(option);
        _apply.Add((parse, h) =>
        {
            if (parse.GetResult(option) is { Implicit: false }) set(h, parse.GetValue(option)!);
        });
    }

    /// <summary>Adds every option (and --config) to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        foreach (var o in _options) command.Options.Add(o);
    }

    /// <summary>Runs <paramref name="body"/> in the host with the command line's settings and <paramref name="registries"/>.</summary>
    public int Host(ParseResult parse, Registries registries, Func<HarnessContext, int> body)
    {
        var io = parse.InvocationConfiguration;
        return HarnessHost.Run(registries, parse.GetValue(Config), h =>
        {
            foreach (var a in _apply) a(parse, h);
        }, io.Output, io.Error, body);
    }
}
