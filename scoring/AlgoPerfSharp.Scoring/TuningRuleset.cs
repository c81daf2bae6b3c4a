namespace AlgoPerfSharp.Scoring;

/// <summary>AlgoPerf's two tuning rulesets.</summary>
public enum TuningRuleset
{
    /// <summary>Several hyperparameter trials per study; a study's time is the fastest trial's, in seconds.</summary>
    ExternalTuning,

    /// <summary>One run per study with the submission's own defaults, under a larger budget.</summary>
    SelfTuning,
}
