using System.Text.Json;
using AlgoPerfSharp.Harness.Trials;

namespace AlgoPerfSharp.Harness.Workers;

/// <summary>What the parent tells a worker process (written as a JSON file; the worker reads the trial itself from the database).</summary>
/// <param name="Database">Results database path.</param>
/// <param name="RunId">The run the trial belongs to.</param>
/// <param name="TrialId">The trial's row id.</param>
/// <param name="Preset">Workload size preset.</param>
/// <param name="Options">Per-trial options.</param>
/// <param name="CancelFile">The worker stops after the current step once this file exists.</param>
public sealed record WorkerRequest(string Database, long RunId, long TrialId, string? Preset, TrialRunnerOptions Options, string CancelFile)
{
    private static readonly JsonSerializerOptions Json = Hosting.JsonFormats.Indented;

    /// <summary>Writes the request to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a request; throws <see cref="ArgumentException"/> naming the file when it is missing or malformed.</summary>
    public static WorkerRequest Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"worker request {path} does not exist", nameof(path));
        try
        {
            return JsonSerializer.Deserialize<WorkerRequest>(File.ReadAllText(path), Json)
                ?? throw new ArgumentException($"worker request {path} is empty", nameof(path));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"worker request {path} is not valid: {e.Message}", nameof(path), e);
        }
    }
}
