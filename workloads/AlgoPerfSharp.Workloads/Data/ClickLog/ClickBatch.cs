namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// A batch of click-log examples as host arrays: <see cref="ClickLogSchema.DenseFeatures"/> dense features per example
/// (already <c>log(1 + x)</c>-transformed), <see cref="ClickLogSchema.CategoricalFeatures"/> category ids per example
/// (each in [0, table size)), and 0/1 labels.
/// </summary>
/// <param name="Dense">(N, 13) row-major.</param>
/// <param name="Categorical">(N, 26) row-major.</param>
/// <param name="Labels">(N), 0 or 1.</param>
/// <param name="Count">N.</param>
public sealed record ClickBatch(float[] Dense, long[] Categorical, float[] Labels, int Count);
