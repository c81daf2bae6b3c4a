namespace AlgoPerfSharp.Harness.Store;

/// <summary>A run (one invocation of run/sweep) as stored.</summary>
/// <param name="Id">Row id.</param>
/// <param name="Label">User-facing label (unique in a database).</param>
/// <param name="CreatedUtc">Creation time.</param>
/// <param name="Command">The command line that created it.</param>
/// <param name="SweepSeed">The seed every trial's seeds derive from.</param>
/// <param name="EnvironmentJson">Machine and software facts (JSON).</param>
public sealed record StoredRun(long Id, string Label, DateTime CreatedUtc, string Command, ulong SweepSeed, string EnvironmentJson);
