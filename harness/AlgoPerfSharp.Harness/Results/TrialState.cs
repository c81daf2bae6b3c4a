namespace AlgoPerfSharp.Harness.Results;

/// <summary>Lifecycle of a trial in the results store.</summary>
public enum TrialState
{
    /// <summary>Planned, not started.</summary>
    Pending,

    /// <summary>Started; if the process died, it stays here (and is resumed or re-run).</summary>
    Running,

    /// <summary>Ran to its target or its budget.</summary>
    Completed,

    /// <summary>The loss became NaN/∞.</summary>
    Diverged,

    /// <summary>Crashed: exception, out of memory, killed worker.</summary>
    Failed,

    /// <summary>Exceeded its wall-clock limit and was killed.</summary>
    TimedOut,

    /// <summary>Stopped by Ctrl+C; resumable from its last checkpoint.</summary>
    Interrupted,
}
