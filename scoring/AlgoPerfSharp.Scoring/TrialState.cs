namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Where a trial is in its life: planned, running, or how it ended. The harness records it per trial; scoring carries it
/// on each <see cref="TrialRecord"/> but reads the logged eval rows whatever the state (as AlgoPerf does): a target met
/// in a row logged before a divergence, failure, time-out or interruption counts; rows never logged cannot count.
/// </summary>
public enum TrialState
{
    /// <summary>Planned, not started.</summary>
    Pending,

    /// <summary>Started; if the process died, it stays here (and is resumed or re-run).</summary>
    Running,

    /// <summary>Ran until it met its targets or exhausted its budget.</summary>
    Completed,

    /// <summary>The loss became NaN/∞ and the harness stopped the trial.</summary>
    Diverged,

    /// <summary>Crashed: exception, out of memory, killed worker.</summary>
    Failed,

    /// <summary>Exceeded its wall-clock limit and was killed.</summary>
    TimedOut,

    /// <summary>Stopped from outside (Ctrl+C, SIGTERM, a cancelled job); resumable from its last checkpoint.</summary>
    Interrupted,
}
