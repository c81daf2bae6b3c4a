namespace AlgoPerfSharp.Scoring;

/// <summary>
/// How a trial ended. Scoring reads the logged eval rows whatever the status (as AlgoPerf does): a target met in a row
/// logged before a divergence, failure or interruption counts; rows never logged cannot count.
/// </summary>
public enum TrialStatus
{
    /// <summary>Ran until it met its targets or exhausted its budget.</summary>
    Completed,

    /// <summary>The loss became NaN/∞ and the harness stopped the trial.</summary>
    Diverged,

    /// <summary>The trial crashed (exception, out of memory, killed worker).</summary>
    Failed,

    /// <summary>The trial was stopped from outside before it finished (e.g. a cancelled job).</summary>
    Interrupted,
}
