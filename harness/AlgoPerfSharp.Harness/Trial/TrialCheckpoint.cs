using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Serialization;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>The counters a trial needs to continue exactly where it stopped.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="SubmissionSeconds">Accumulated timed seconds.</param>
/// <param name="EvalSeconds">Accumulated eval seconds.</param>
/// <param name="LoggingSeconds">Accumulated logging seconds.</param>
/// <param name="LastEvalSubmissionSeconds">Submission time at the last eval.</param>
/// <param name="NextBatchIndex">The next training batch's index.</param>
/// <param name="History">Past evals as the algorithm saw them.</param>
/// <param name="StepSeconds">Wall time of each step so far (for the median).</param>
/// <param name="TotalSeconds">Wall-clock seconds since the trial first started, over every resume (0 in checkpoints older than this field).</param>
/// <param name="UntimedPluginSeconds">Seconds spent so far in the algorithm's untimed <c>SaveState</c>/<c>LoadState</c>.</param>
public sealed record TrialCounters(
    long Step, double SubmissionSeconds, double EvalSeconds, double LoggingSeconds, double LastEvalSubmissionSeconds,
    long NextBatchIndex, List<EvalRecord> History, List<double> StepSeconds, double TotalSeconds = 0, double UntimedPluginSeconds = 0);

/// <summary>
/// A trial's checkpoint folder: model weights and algorithm state as safetensors, counters as JSON. A new checkpoint is
/// written beside the old one and swapped in by renames, so a kill at any moment leaves one complete checkpoint.
/// </summary>
public static class TrialCheckpoint
{
    // NaN metrics in the eval history (e.g. criteo_dlrm_tsv's unknown bayes_loss, a one-class AUC) are written as "NaN"
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The folder of a trial's checkpoint under <paramref name="root"/>.</summary>
    public static string Folder(string root, string trialKey) =>
        Path.Combine(root, string.Concat(trialKey.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')));

    /// <summary>Writes a checkpoint (untimed) of the model's weights, the algorithm's saved state and the counters.</summary>
    public static void Save(string folder, IReadOnlyDictionary<string, Tensor> modelState, AlgorithmState state, TrialCounters counters)
    {
        ArgumentNullException.ThrowIfNull(state);
        string tmp = folder + ".tmp", old = folder + ".old";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        SafeTensors.Save(Path.Combine(tmp, "model.safetensors"), modelState);
        SafeTensors.Save(Path.Combine(tmp, "algorithm.safetensors"), state.Tensors, state.Values);

        File.WriteAllText(Path.Combine(tmp, "trial.json"), JsonSerializer.Serialize(counters, Json));
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(folder)) Directory.Move(folder, old);
        Directory.Move(tmp, folder);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>Removes a checkpoint folder and any half-written or previous copy beside it.</summary>
    public static void Delete(string folder)
    {
        foreach (var f in new[] { folder, folder + ".tmp", folder + ".old" })
        {
            if (Directory.Exists(f)) Directory.Delete(f, recursive: true);
        }
    }

    /// <summary>True when a complete checkpoint exists (the current or, after a kill mid-swap, the previous one).</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(Pick(folder), "trial.json"));

    /// <summary>Loads a checkpoint: copies weights into the model, hands the algorithm's state to <paramref name="loadAlgorithm"/>, returns the counters.</summary>
    public static TrialCounters Load(string folder, Action<IReadOnlyDictionary<string, Tensor>> loadModel, Action<AlgorithmState> loadAlgorithm)
    {
        ArgumentNullException.ThrowIfNull(loadModel);
        ArgumentNullException.ThrowIfNull(loadAlgorithm);
        string dir = Pick(folder);
        TrialCounters counters;
        try
        {
            counters = JsonSerializer.Deserialize<TrialCounters>(File.ReadAllText(Path.Combine(dir, "trial.json")), Json)
                ?? throw new InvalidDataException($"{dir}/trial.json is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{dir}/trial.json is not a trial checkpoint ({e.Message}); delete {folder} to restart the trial", e);
        }

        if (Problem(counters) is { } problem)
        {
            throw new InvalidDataException($"{dir}/trial.json cannot be resumed: {problem}; delete {folder} to restart the trial");
        }

        var model = SafeTensors.Load(Path.Combine(dir, "model.safetensors"));
        try
        {
            loadModel(model);
        }
        finally
        {
            foreach (var t in model.Values) t.Dispose();
        }

        using var state = new AlgorithmState();
        var tensors = SafeTensors.Load(Path.Combine(dir, "algorithm.safetensors"), out var values);
        foreach (var (k, v) in tensors) state.Tensors[k] = v;
        foreach (var (k, v) in values) state.Values[k] = v;
        loadAlgorithm(state);
        return counters;
    }

    /// <summary>
    /// What makes <paramref name="c"/> impossible to resume from, or null: a negative step or batch index, a negative
    /// or non-finite time, or an eval history that is out of order or later than the checkpoint's own step (the rows it
    /// records must all come before the step it resumes at).
    /// </summary>
    public static string? Problem(TrialCounters c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Step < 0) return $"its step {c.Step} is negative";
        if (c.NextBatchIndex < 0) return $"its next batch index {c.NextBatchIndex} is negative";
        foreach (var (name, v) in new[] { ("submission", c.SubmissionSeconds), ("eval", c.EvalSeconds), ("logging", c.LoggingSeconds), ("last eval", c.LastEvalSubmissionSeconds) })
        {
            if (!double.IsFinite(v) || v < 0) return string.Create(CultureInfo.InvariantCulture, $"its {name} time {v} s is not a finite time ≥ 0");
        }

        if (c.History is null || c.StepSeconds is null) return "it has no eval history or step times";
        long previous = -1;
        foreach (var e in c.History)
        {
            if (e.GlobalStep <= previous) return $"its eval history is out of order (step {e.GlobalStep} after {previous})";
            previous = e.GlobalStep;
        }

        return previous > c.Step ? $"its step {c.Step} is before its last recorded eval (step {previous})" : null;
    }

    private static string Pick(string folder) =>
        File.Exists(Path.Combine(folder, "trial.json")) || !File.Exists(Path.Combine(folder + ".old", "trial.json")) ? folder : folder + ".old";

    /// <summary>Formats seconds for messages.</summary>
    internal static string Seconds(double s) => s.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
