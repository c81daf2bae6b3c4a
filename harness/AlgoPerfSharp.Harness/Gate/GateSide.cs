namespace AlgoPerfSharp.Harness.Gate;

/// <summary>Which of the two algorithms a gate compares.</summary>
public enum GateSide
{
    /// <summary>The reference (e.g. the last release).</summary>
    Baseline,

    /// <summary>The algorithm under test.</summary>
    Candidate,
}
