using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// Settings of <c>run</c>, <c>sweep</c>, <c>bench</c> and <c>calibrate</c>: bound from the optional <c>--config</c> JSON
/// (keys are these property names), then overridden by the options given on the command line, then completed by the
/// <see cref="Plan"/>, and validated (<see cref="HarnessOptionsValidator"/>) before anything runs.
/// </summary>
public sealed class HarnessOptions
{
    /// <summary>Results database (SQLite).</summary>
    public string Db { get; set; } = Cli.CliApp.DefaultDatabase;

    /// <summary>Run label; re-running the same label resumes it. Null = the plan's name, or <c>run</c>/<c>sweep</c>.</summary>
    public string? Label { get; set; }

    /// <summary>Sweep seed every trial's seeds derive from.</summary>
    public ulong Seed { get; set; }

    /// <summary>Sweep plan: <c>quick</c>, <c>smoke</c> or <c>full</c> (fills whatever else is not given). Null = none.</summary>
    public string? Plan { get; set; }

    /// <summary>Workload size preset: <c>cpu</c>, <c>tiny</c> or <c>gpu</c>. Null = each workload's default.</summary>
    public string? Preset { get; set; }

    /// <summary>
    /// Where models train and evaluate: <c>auto</c> (null: <c>cuda:0</c> with the <c>gpu</c> preset when libtorch sees a
    /// CUDA device, else the CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; see <see cref="DeviceSetting"/>. The host
    /// replaces <c>auto</c> by the device it chose before the command runs.
    /// </summary>
    public string? Device { get; set; }

    /// <summary>Workload names.</summary>
    public List<string> Workloads { get; set; } = [];

    /// <summary>Algorithm names or plugin paths (<c>path.dll</c>, <c>path.dll:name</c>, folder).</summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary><c>external</c> (external tuning) or <c>self</c> (self-tuning). Null = external, or the plan's.</summary>
    public string? Ruleset { get; set; }

    /// <summary>Studies (independent repetitions). Null = 1, or the plan's.</summary>
    public int? Studies { get; set; }

    /// <summary>Trials per study under external tuning. Null = 5, or the plan's.</summary>
    public int? Trials { get; set; }

    /// <summary>Search-space JSON file (AlgoPerf format) replacing the algorithms' own.</summary>
    public string? SearchSpace { get; set; }

    /// <summary>This process's shard, <c>i/n</c>.</summary>
    public string Shard { get; set; } = "0/1";

    /// <summary>sweep: print the plan's shards (trial counts and budget-seconds) and exit without running or opening the database.</summary>
    public bool DryRun { get; set; }

    /// <summary>Budget override in timed seconds (before the ruleset multiplier). Null = the workload's.</summary>
    public double? MaxRuntime { get; set; }

    /// <summary>Eval period override in timed seconds. Null = the workload's.</summary>
    public double? EvalPeriod { get; set; }

    /// <summary>calibrate: skip the long run that checks the target means a trained model.</summary>
    public bool NoLongRun { get; set; }

    /// <summary>Step hint override (the schedule horizon algorithms are told). Null = the workload's.</summary>
    public long? StepHint { get; set; }

    /// <summary>Stop every trial after this many steps (smoke tests).</summary>
    public long? MaxSteps { get; set; }

    /// <summary>Evaluate every this many steps instead of by time (deterministic eval points).</summary>
    public long? EvalEverySteps { get; set; }

    /// <summary>Run trials in this process instead of worker processes (debugging).</summary>
    public bool InProcess { get; set; }

    /// <summary>Kill a worker above this resident memory, in MB. Null = 80% of the machine's memory.</summary>
    public double? MaxMemory { get; set; }

    /// <summary>Wall-clock limit of one trial in seconds. Null = 3 × its budget + 10 minutes, or 24 h when the budget is the workload's.</summary>
    public double? TrialTimeout { get; set; }

    /// <summary>Restarts of a crashed or killed worker from its trial's checkpoint. Null = 1.</summary>
    public int? Retries { get; set; }

    /// <summary>Checkpoint folder. Null = <c>&lt;db&gt;.checkpoints</c>.</summary>
    public string? Checkpoints { get; set; }

    /// <summary>Wall-clock seconds between a trial's checkpoints (--checkpoint-every); null = <see cref="Trial.TrialRunnerOptions.DefaultCheckpointIntervalSeconds"/>.</summary>
    public double? CheckpointEvery { get; set; }

    /// <summary>Also export each trial's AlgoPerf <c>eval_measurements.csv</c> below this folder.</summary>
    public string? ExportCsv { get; set; }

    /// <summary>Keep training past the validation target until the budget.</summary>
    public bool NoStopAtTarget { get; set; }

    /// <summary>Evaluate only the validation split at each eval point (no test split): less untimed eval work; test-target times are then not reported. The quick plan sets it.</summary>
    public bool NoTestEval { get; set; }

    /// <summary>
    /// Exit 0 even when trials failed or timed out (by default <c>run</c>/<c>sweep</c> then exit 1; diverged trials are
    /// results, not failures).
    /// </summary>
    public bool AllowFailures { get; set; }

    /// <summary>Calibration: seeds the best configuration is rerun with. Null = 3.</summary>
    public int? Seeds { get; set; }

    /// <summary>Where <c>bench</c>/<c>calibrate</c> write their JSON (null = print only / a default file name).</summary>
    public string? Output { get; set; }

    /// <summary>Log file. Null = <c>&lt;db&gt;.log</c>.</summary>
    public string? LogFile { get; set; }

    /// <summary>The ruleset in effect (external unless set); <see cref="HarnessOptionsValidator"/> has checked the text.</summary>
    public TuningRuleset EffectiveRuleset => TuningRulesets.Parse(Ruleset ?? TuningRuleset.ExternalTuning.Key());

    /// <summary>The log file in effect.</summary>
    public string EffectiveLogFile => LogFile ?? Db + ".log";

    /// <summary>The checkpoint folder in effect.</summary>
    public string EffectiveCheckpoints => Checkpoints ?? Db + ".checkpoints";
}
