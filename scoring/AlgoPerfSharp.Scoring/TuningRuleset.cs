namespace AlgoPerfSharp.Scoring;

/// <summary>
/// AlgoPerf's two tuning rulesets: the one type for "ruleset" wherever trials are planned, stored and scored. Its text
/// (<c>external</c>, <c>self</c>) appears only at the edges, converted by <see cref="TuningRulesets"/>.
/// </summary>
public enum TuningRuleset
{
    /// <summary>Several hyperparameter trials per study; a study's time is the fastest trial's, in seconds.</summary>
    ExternalTuning,

    /// <summary>One run per study with the submission's own defaults, under a larger budget.</summary>
    SelfTuning,
}
