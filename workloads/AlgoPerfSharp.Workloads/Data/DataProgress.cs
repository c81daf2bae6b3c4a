namespace AlgoPerfSharp.Workloads.Data;

/// <summary>How far a data preparation has come: <see cref="Done"/> of <see cref="Total"/> units (records, lines).</summary>
/// <param name="Done">Units written so far.</param>
/// <param name="Total">Units to write (an upper bound when the source's size is not known in advance).</param>
public readonly record struct DataProgress(long Done, long Total);
