namespace AlgoPerfSharp.Scoring;

/// <summary>Why a cell of the time-to-target matrix does or does not get credit in the performance profile.</summary>
public enum ProfileOutcome
{
    /// <summary>Finite effective time: the cell has a ratio to the fastest.</summary>
    Scored,

    /// <summary>The submission has no result on the workload (counts as ∞).</summary>
    Missing,

    /// <summary>The target was not reached within the budget (time ∞).</summary>
    NotReached,

    /// <summary>Reached, but more than r_max × the fastest submission's time: set to ∞.</summary>
    BeyondMaxRatio,

    /// <summary>A held-out variant whose base workload was not reached: set to ∞ (so it cannot define the fastest variant time).</summary>
    BaseFailed,

    /// <summary>A base workload whose held-out variant ended ∞ (not reached, base failed, or beyond r_max): set to ∞.</summary>
    VariantFailed,
}
