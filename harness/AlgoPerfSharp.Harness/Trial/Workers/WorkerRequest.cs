using System.Text.Json;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// Everything a worker process needs to run one trial, written by the parent as a JSON file (one file per run instance
/// and attempt). The worker never opens the results database: it gets the trial and its recorded rows here and sends
/// its rows back (see <see cref="WorkerMessages"/>).
/// </summary>
/// <param name="Trial">The stored trial (its spec and seeds).</param>
/// <param name="Preset">Workload size preset.</param>
/// <param name="Options">Per-trial options.</param>
/// <param name="StartedBefore">Whether the trial had started before (a checkpoint of it may be resumed).</param>
/// <param name="Evals">The trial's eval rows recorded so far (a resume continues the wall-clock total from them).</param>
public sealed record WorkerRequest(StoredTrial Trial, string? Preset, TrialRunnerOptions Options, bool StartedBefore, IReadOnlyList<StoredEval> Evals)
{
    /// <summary>Writes the request to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, WorkerMessages.Json));

    /// <summary>Reads a request; throws <see cref="ArgumentException"/> naming the file when it is missing or malformed.</summary>
    public static WorkerRequest Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"worker request {path} does not exist", nameof(path));
        try
        {
            return JsonSerializer.Deserialize<WorkerRequest>(File.ReadAllText(path), WorkerMessages.Json)
                ?? throw new ArgumentException($"worker request {path} is empty", nameof(path));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"worker request {path} is not valid: {e.Message}", nameof(path), e);
        }
    }
}
