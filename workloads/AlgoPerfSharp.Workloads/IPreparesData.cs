using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads;

/// <summary>
/// Writes, ahead of time, the files a workload's <see cref="WorkloadDescriptor.Factory"/> would otherwise write on first
/// use: a generated data set, a converted cache, a download. The harness calls it in the process that starts the trials,
/// before any worker, because workers may run sandboxed with the data folder read-only (<c>run</c>, <c>sweep</c>,
/// <c>calibrate</c>, <c>transfer</c>, <c>gate</c>); the factory then only reads. A workload that writes nothing needs no
/// preparer (<see cref="WorkloadDescriptor.Data"/> null). Implementations are thread-safe and idempotent: preparing what
/// is ready does nothing, and a preparer shared by several workloads (e.g. one data set at several model variants)
/// writes it once.
/// </summary>
public interface IPreparesData
{
    /// <summary>
    /// What <see cref="Prepare"/> would write for <paramref name="preset"/>, or null when the data is ready. Cheap (file
    /// listings and headers) and writes nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">The data present is corrupt or was written with other settings (the message names it and says what to do).</exception>
    /// <exception cref="DirectoryNotFoundException">Data the preparation reads is missing (the message says how to get it).</exception>
    PendingData? Pending(string preset);

    /// <summary>
    /// Writes what <see cref="Pending"/> names (nothing when it is null), reporting how far it has come to
    /// <paramref name="progress"/>. Checks first that the folder can be written, with room for the data.
    /// </summary>
    /// <exception cref="DataNotWritableException">The folder cannot be written or lacks the space (one line saying what to do); nothing was written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired; no partial file is left under the final name.</exception>
    void Prepare(string preset, IProgress<DataProgress>? progress, CancellationToken cancellation);
}
