namespace AlgoPerfSharp.Workloads.Data;

/// <summary>A batch of normalised images ready to become tensors.</summary>
/// <param name="Pixels">Row-major <c>(Count, 1, Height, Width)</c> float32 values.</param>
/// <param name="Labels">Class indices, <c>(Count)</c>.</param>
/// <param name="Count">Images in the batch.</param>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
public sealed record ImageBatch(float[] Pixels, long[] Labels, int Count, int Height, int Width);
