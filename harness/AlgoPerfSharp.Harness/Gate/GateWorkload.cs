using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;


namespace AlgoPerfSharp.Harness.Gate;

/// <summary>One workload of a gate and the options its trials run with (both sides alike).</summary>
/// <param name="Name">Workload name.</param>
/// <param name="Options">Per-trial options, e.g. the deterministic eval cadence (<see cref="TrialRunnerOptions.EvalEverySteps"/>).</param>
public sealed record GateWorkload(string Name, TrialRunnerOptions Options);
