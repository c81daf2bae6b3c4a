namespace AlgoPerfSharp.Workloads.Data;

/// <summary>Data a workload still has to write before its trials can start (<see cref="IPreparesData.Pending"/>).</summary>
/// <param name="Description">What is written, for a progress line (e.g. <c>the synthetic click-log cache of preset quick</c>).</param>
/// <param name="Path">The file (or folder) written.</param>
/// <param name="Bytes">Its size (or an upper bound: a conversion that keeps at most so many records) when known in advance, else null.</param>
public sealed record PendingData(string Description, string Path, long? Bytes);
