using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// The grids of <c>algoperf transfer</c> (arXiv 2512.05620's protocol, research/seed-algorithms.md §3): at the base
/// width, learning rate × weight decay on a 2× (4× for decay) grid around the algorithm's defaults; at every other
/// width, the transferred (base-optimal) point and a local ±2× learning-rate grid around it.
/// </summary>
/// <param name="BaseLearningRateSteps">Powers of 2 around the default learning rate at the base width (e.g. −2 … 2).</param>
/// <param name="BaseDecayFactors">Multiples of the default weight decay at the base width (a zero default gives one point, 0).</param>
/// <param name="LocalSteps">Powers of 2 around the transferred learning rate at the other widths (e.g. −1 … 1).</param>
/// <param name="WidthMultiples">The ladder's widths as multiples of its base (1 first).</param>
/// <param name="Steps">Training steps of every trial (also the schedule's horizon).</param>
/// <param name="EdgeExtensions">
/// At most this many extra learning rates per width when the width's best lies on its grid's edge (<see cref="NextEdgeRate"/>),
/// so that a drifting optimum is bracketed instead of clipped at the grid's end.
/// </param>
public sealed record TransferGrid(IReadOnlyList<int> BaseLearningRateSteps, IReadOnlyList<double> BaseDecayFactors, IReadOnlyList<int> LocalSteps, IReadOnlyList<int> WidthMultiples, long Steps, int EdgeExtensions = 0)
{
    /// <summary>The default ladder: 5 × 3 points at ×1, then 3 points at ×2, ×4, ×8; 400 steps per trial; up to 3 edge extensions per width.</summary>
    public static TransferGrid Default { get; } = new([-2, -1, 0, 1, 2], [0.25, 1, 4], [-1, 0, 1], [1, 2, 4, 8], 400, EdgeExtensions: 3);

    /// <summary>Eval rows per trial (every steps/10 steps): the validation-loss curve that AdamW-relative compute reads.</summary>
    public const int EvalsPerTrial = 10;

    /// <summary>
    /// The timed budget of a transfer trial, in seconds: a cap that must not bind, since the protocol trains a fixed
    /// number of steps (the workloads' own budgets, 10.6–18.7 s at the quick preset, would stop the wider members early).
    /// </summary>
    public const double TrialBudgetSeconds = 3600;

    /// <summary>The quick ladder for tests of the command: 3 × 1 points at ×1, then 3 at ×2; 20 steps; no edge extensions.</summary>
    public static TransferGrid Quick { get; } = new([-1, 0, 1], [1], [-1, 0, 1], [1, 2], 20);

    /// <summary>Refuses a grid the protocol cannot use; one line naming the part.</summary>
    /// <exception cref="ArgumentException">A learning-rate grid has fewer than 2 points (no optimum to locate), or the ladder has no width beyond the base.</exception>
    public TransferGrid Validate()
    {
        if (BaseLearningRateSteps.Count < 2) throw new ArgumentException($"the base learning-rate grid has {BaseLearningRateSteps.Count} point(s); give at least 2 to locate an optimum");
        if (LocalSteps.Count < 2) throw new ArgumentException($"the local learning-rate grid has {LocalSteps.Count} point(s); give at least 2 to locate an optimum");
        if (BaseDecayFactors.Count < 1) throw new ArgumentException("the weight-decay grid is empty; give at least 1 factor");
        if (WidthMultiples.Count < 2 || WidthMultiples[0] != 1) throw new ArgumentException("the ladder needs the base width (×1) first and at least one wider member");
        if (Steps < 1) throw new ArgumentException($"steps must be ≥ 1 (got {Steps})");
        if (EdgeExtensions < 0) throw new ArgumentException($"edge extensions must be ≥ 0 (got {EdgeExtensions})");
        return this;
    }

    /// <summary>The base width's points: learning_rate = η₀·2^k, weight_decay = λ₀·f (λ₀ = 0: one point).</summary>
    public IReadOnlyList<Hyperparameters> BasePoints(double learningRate, double weightDecay) =>
        [.. from k in BaseLearningRateSteps
            from f in weightDecay > 0 ? BaseDecayFactors : [1.0]
            select Point(learningRate * Math.Pow(2, k), weightDecay * f)];

    /// <summary>A wider member's points: the transferred η*·2^k for the local steps, with λ*.</summary>
    public IReadOnlyList<Hyperparameters> LocalPoints(double learningRate, double weightDecay) =>
        [.. LocalSteps.Select(k => Point(learningRate * Math.Pow(2, k), weightDecay))];

    /// <summary>The hyperparameters the ladder tunes (its grids vary them): <c>learning_rate</c> and <c>weight_decay</c>; <c>--set</c> may fix any other.</summary>
    public static IReadOnlyList<string> Tuned { get; } = ["learning_rate", "weight_decay"];

    /// <summary>A point of learning rate and weight decay (the algorithm's other hyperparameters take their defaults, or <see cref="FixedHyperparameters"/>' values).</summary>
    public static Hyperparameters Point(double learningRate, double weightDecay) =>
        new(new Dictionary<string, object>(StringComparer.Ordinal) { [Tuned[0]] = learningRate, [Tuned[1]] = weightDecay });

    /// <summary>
    /// The learning rate to try next at one width whose optimum lies on the edge of what it has tried (at weight decay
    /// <paramref name="weightDecay"/>): twice the largest rate tried when the lowest finite loss is there, half the
    /// smallest when it is there, or when no rate tried has a finite loss and at least one diverged (too large a rate is
    /// divergence's usual cause); null when the optimum is inside the tried rates (bracketed), when every trial failed
    /// without diverging (an error a smaller rate will not cure) or the row is empty. A diverged rate counts as tried,
    /// so an extension that diverges ends the search upwards.
    /// </summary>
    public static double? NextEdgeRate(IReadOnlyList<TransferTrial> trials, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var row = trials.Where(t => SameDecay(t.WeightDecay, weightDecay)).ToList();
        if (row.Count == 0) return null;
        double highest = row.Max(t => t.LearningRate), lowest = row.Min(t => t.LearningRate);
        var best = TransferTrial.Best(row);
        if (best is null) return row.Any(t => t.Diverged) ? lowest / 2 : null;
        if (TransferWidthResult.SameRate(highest, lowest)) return null; // one rate: nothing says which way
        if (TransferWidthResult.SameRate(best.LearningRate, highest)) return highest * 2;
        if (TransferWidthResult.SameRate(best.LearningRate, lowest)) return lowest / 2;
        return null;
    }

    private static bool SameDecay(double a, double b) => a == b || (a > 0 && b > 0 && TransferWidthResult.SameRate(a, b));
}
