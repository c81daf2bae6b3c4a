namespace AlgoPerfSharp.Harness.Rulesets;

/// <summary>AlgoPerf's two tuning rulesets.</summary>
public enum Ruleset
{
    /// <summary>N trials per study drawn from a search space; per study the fastest trial counts.</summary>
    External,

    /// <summary>One run per study with the algorithm's own defaults and a larger budget (× 1.5).</summary>
    SelfTuning,
}
