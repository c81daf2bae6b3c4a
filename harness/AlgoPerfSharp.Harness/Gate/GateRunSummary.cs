namespace AlgoPerfSharp.Harness.Gate;

/// <summary>What running a gate's trials did.</summary>
/// <param name="Ran">Trials run (or resumed) now.</param>
/// <param name="Busy">Trials skipped because another process held them.</param>
/// <param name="Interrupted">Whether Ctrl+C stopped the gate (re-run to resume).</param>
public sealed record GateRunSummary(int Ran, int Busy, bool Interrupted);
