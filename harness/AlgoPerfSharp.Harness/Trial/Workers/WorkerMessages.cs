using System.Text.Json;
using System.Text.Json.Serialization;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// The line protocol between a worker and its parent. Worker → parent, on the worker's protocol channel (its original
/// stdout; the plugin's own stdout goes to stderr): <see cref="ProgressLine"/> reports, <c>@rewind STEP</c>,
/// <c>@eval {row}</c> and <c>@finish {end}</c> (JSON). Parent → worker, on its stdin: <see cref="Ack"/> after each
/// eval row is durable (the worker checkpoints only then) and <see cref="Stop"/> to interrupt; end of input means the
/// parent is gone.
/// </summary>
public static class WorkerMessages
{
    /// <summary>Prefix of a rewind line (the worker continues after this step).</summary>
    public const string Rewind = "@rewind ";

    /// <summary>Prefix of an eval row line.</summary>
    public const string Eval = "@eval ";

    /// <summary>Prefix of the trial's end line.</summary>
    public const string Finish = "@finish ";

    /// <summary>Parent → worker: the last eval row is recorded.</summary>
    public const string Ack = "ack";

    /// <summary>Parent → worker: stop after the current step with a checkpoint.</summary>
    public const string Stop = "stop";

    /// <summary>Longest line the parent accepts from a worker (a longer one fails the trial).</summary>
    public const int MaxLineChars = 1 << 20;

    /// <summary>Compact JSON with NaN/∞ as named literals.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
