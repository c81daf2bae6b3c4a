namespace AlgoPerfSharp.Workloads.Data;

/// <summary>A batch of next-token-prediction windows.</summary>
/// <param name="Inputs">Row-major <c>(Batch, Context)</c> token ids.</param>
/// <param name="Targets">Row-major <c>(Batch, Context)</c>: each input shifted left by one token.</param>
/// <param name="Batch">Windows in the batch.</param>
/// <param name="Context">Tokens per window.</param>
public sealed record LmBatch(long[] Inputs, long[] Targets, int Batch, int Context);
