using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// A checkpoint of an algorithm's state: named tensors plus named scalars/strings. <see cref="ITrainingRun.SaveState"/>
/// returns tensors the caller owns (copies or aliases — the harness only reads them and then disposes them);
/// <see cref="ITrainingRun.LoadState"/> copies values in and must not keep the given tensors.
/// </summary>
public sealed class AlgorithmState : IDisposable
{
    /// <summary>Named tensors (owned by this object).</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>Named values (step counters, flags), stored as invariant strings.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads a required tensor, with a clear message when missing.</summary>
    public Tensor Tensor(string name) =>
        Tensors.TryGetValue(name, out var t) ? t : throw new InvalidDataException($"algorithm checkpoint has no tensor '{name}'");

    /// <summary>Reads a required integer value.</summary>
    public long Int64(string name) =>
        Values.TryGetValue(name, out var s) && long.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new InvalidDataException($"algorithm checkpoint has no integer '{name}'");

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}
