namespace AlgoPerfSharp.Scoring;

/// <summary>
/// The one conversion between <see cref="TuningRuleset"/> and its text at the edges — the <c>--ruleset</c> option, the
/// <c>ruleset</c> column of the results database, trial keys and JSON/markdown outputs: <c>external</c> and <c>self</c>.
/// Also AlgoPerf's budget multiplier of each ruleset. Thread-safe (stateless).
/// </summary>
public static class TuningRulesets
{
    /// <summary>AlgoPerf v0.6's self-tuning budget multiplier (v0.5 used 3).</summary>
    public const double SelfTuningBudgetMultiplier = 1.5;

    /// <summary>The texts, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["external", "self"];

    /// <summary>The text of <paramref name="ruleset"/>: <c>external</c> or <c>self</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined value.</exception>
    public static string Key(this TuningRuleset ruleset) => ruleset switch
    {
        TuningRuleset.ExternalTuning => "external",
        TuningRuleset.SelfTuning => "self",
        _ => throw new ArgumentOutOfRangeException(nameof(ruleset), ruleset, "not a tuning ruleset"),
    };

    /// <summary>The budget multiplier a trial of <paramref name="ruleset"/> is planned with: 1, or 1.5 for self-tuning.</summary>
    public static double BudgetMultiplier(this TuningRuleset ruleset) =>
        ruleset == TuningRuleset.SelfTuning ? SelfTuningBudgetMultiplier : 1.0;

    /// <summary>The ruleset whose <see cref="Key"/> is <paramref name="key"/> (exact, lower case); false for anything else.</summary>
    public static bool TryParse(string? key, out TuningRuleset ruleset)
    {
        switch (key)
        {
            case "external":
                ruleset = TuningRuleset.ExternalTuning;
                return true;
            case "self":
                ruleset = TuningRuleset.SelfTuning;
                return true;
            default:
                ruleset = default;
                return false;
        }
    }

    /// <summary>The ruleset whose <see cref="Key"/> is <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">Not <c>external</c> or <c>self</c>; the message says so.</exception>
    public static TuningRuleset Parse(string? key) => TryParse(key, out var r)
        ? r
        : throw new ArgumentException($"ruleset '{key}' is unknown; use external or self", nameof(key));
}
