using AlgoPerfSharp.Harness.Trial;


namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>Hears a sweep's trials start and end (for the live overview).</summary>
public interface ISweepObserver
{
    /// <summary>Trial <paramref name="index"/> (1-based) of <paramref name="count"/> starts (or resumes).</summary>
    void TrialStarting(int index, int count, TrialSpec spec);

    /// <summary>The trial ended (any state).</summary>
    void TrialFinished(TrialSpec spec, TrialOutcome outcome);
}
