using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using Microsoft.Extensions.Options;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>Checks <see cref="HarnessOptions"/> at start; every message names the setting, the bad value and what to do.</summary>
/// <param name="registries">The workloads (and algorithms) the options may name.</param>
public sealed class HarnessOptionsValidator(Registries registries) : IValidateOptions<HarnessOptions>
{
    private static readonly string[] Presets = ["cpu", "quick", "tiny", "gpu"];

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, HarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Errors(options, registries.WorkloadRegistry).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Every problem with <paramref name="o"/>, its workloads looked up in <paramref name="workloads"/>;
    /// <paramref name="cudaDevices"/> is libtorch's CUDA device count (default <see cref="TorchRuntime.CudaDeviceCount"/>,
    /// asked only when <c>--device</c> names a CUDA device).
    /// </summary>
    public static IEnumerable<string> Errors(HarnessOptions o, WorkloadRegistry workloads, Func<int>? cudaDevices = null)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(o);
        if (string.IsNullOrWhiteSpace(o.Db)) yield return "Db (--db) must be a file path";
        if (o.Label is { } l && string.IsNullOrWhiteSpace(l)) yield return "Label (--label) must not be blank";
        if (o.Plan is { } plan && !SweepPlans.Names.Contains(plan)) yield return $"Plan (--plan) '{plan}' is unknown; use one of {string.Join(", ", SweepPlans.Names)}";
        if (o.Preset is { } preset && !Presets.Contains(preset)) yield return $"Preset (--preset) '{preset}' is unknown; use one of {string.Join(", ", Presets)}";
        if (DeviceSetting.Problem(o.Device, cudaDevices ?? (static () => TorchRuntime.CudaDeviceCount)) is { } deviceProblem) yield return deviceProblem;
        if (o.Ruleset is { } r && !TuningRulesets.TryParse(r, out _)) yield return $"Ruleset (--ruleset) '{r}' is unknown; use external or self";
        if (o.Studies is < 1) yield return $"Studies (--studies) must be ≥ 1 (got {o.Studies})";
        if (o.Trials is < 1) yield return $"Trials (--trials) must be ≥ 1 (got {o.Trials})";
        if (o.Seeds is < 1) yield return $"Seeds (--seeds) must be ≥ 1 (got {o.Seeds})";
        if (o.MaxRuntime is { } mr && !(mr > 0)) yield return $"MaxRuntime (--max-runtime) must be > 0 seconds (got {mr})";
        if (o.EvalPeriod is { } ep && !(ep > 0)) yield return $"EvalPeriod (--eval-period) must be > 0 seconds (got {ep})";
        if (o.MaxSteps is < 1) yield return $"MaxSteps (--max-steps) must be ≥ 1 (got {o.MaxSteps})";
        if (o.StepHint is < 1) yield return $"StepHint (--step-hint) must be ≥ 1 (got {o.StepHint})";
        if (o.EvalEverySteps is < 1) yield return $"EvalEverySteps (--eval-every-steps) must be ≥ 1 (got {o.EvalEverySteps})";
        if (o.MaxMemory is { } mm && !(mm > 0)) yield return $"MaxMemory (--max-memory) must be > 0 MB (got {mm})";
        if (o.Retries is < 0) yield return $"Retries (--retries) must be ≥ 0 (got {o.Retries})";
        if (o.TrialTimeout is { } tt && !(tt > 0)) yield return $"TrialTimeout (--trial-timeout) must be > 0 seconds (got {tt})";
        if (o.CheckpointEvery is { } ce && !(ce >= 0 && double.IsFinite(ce))) yield return $"CheckpointEvery (--checkpoint-every) must be ≥ 0 seconds (got {ce}); 0 checkpoints at every eval";
        string? shardError = null;
        try
        {
            SweepPlanner.ParseShard(o.Shard);
        }
        catch (ArgumentException e)
        {
            shardError = "Shard " + e.Message;
        }

        if (shardError is not null) yield return shardError;
        if (o.Workloads.Count == 0) yield return "Workloads (--workload) is empty: name at least one (see: algoperf list), or use --plan";
        foreach (string w in o.Workloads)
        {
            var d = workloads.Find(w);
            if (d is null)
            {
                yield return $"Workloads (--workload): {Workloads.Transfer.WidthFamilies.Problem(w) ?? $"unknown workload '{w}'; known: {string.Join(", ", workloads.All.Select(x => x.Name))}"}";
            }
            else if (o.Preset is { } p && Presets.Contains(p) && !d.Presets.Contains(p, StringComparer.Ordinal))
            {
                yield return $"Preset (--preset): workload '{w}' has no preset '{p}'; it has {string.Join(", ", d.Presets)}";
            }
        }

        if (o.Algorithms.Count == 0) yield return "Algorithms (--algorithm) is empty: name at least one built-in or plugin path, or use --plan";
        string? sizeError = null;
        // sized as external tuning when the ruleset is unset or unknown (reported above)
        var ruleset = TuningRulesets.TryParse(o.Ruleset, out var given) ? given : TuningRuleset.ExternalTuning;
        try
        {
            // before anything is planned: a plan of 2e9 studies would otherwise be built until memory runs out
            SweepPlanner.CheckSize(o.Workloads.Count, o.Algorithms.Count, ruleset,
                Math.Max(1, o.Studies ?? 1), Math.Max(1, o.Trials ?? 5));
        }
        catch (ArgumentException e)
        {
            sizeError = "Studies × Trials (--studies, --trials): " + e.Message;
        }

        if (sizeError is not null) yield return sizeError;
        if (o.SearchSpace is { } file)
        {
            string? problem = null;
            try
            {
                SearchSpace.Load(file);
            }
            catch (Exception e) when (e is SearchSpaceException or FileNotFoundException or IOException)
            {
                problem = $"SearchSpace (--search-space): {e.Message}";
            }

            if (problem is not null) yield return problem;
        }
    }
}
