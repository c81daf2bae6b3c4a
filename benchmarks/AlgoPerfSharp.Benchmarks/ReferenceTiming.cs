namespace AlgoPerfSharp.Benchmarks;

/// <summary>One reference step timing reported by <c>benchmarks/reference/optimizer_step.py</c>.</summary>
/// <param name="Algorithm">The built-in it stands for.</param>
/// <param name="Set">Parameter-set name.</param>
/// <param name="Variant">Which PyTorch implementation (e.g. <c>torch.optim.AdamW foreach</c>, <c>Muon NS bfloat16</c>).</param>
/// <param name="RegularMs">Median ms of one step over the timed steps.</param>
/// <param name="AmortizedMs">Mean ms per step over the timed steps.</param>
/// <param name="Trace">The op-profiler trace written for this variant (<c>--profile</c>), or null.</param>
public sealed record ReferenceTiming(string Algorithm, string Set, string Variant, double RegularMs, double AmortizedMs, string? Trace = null);
