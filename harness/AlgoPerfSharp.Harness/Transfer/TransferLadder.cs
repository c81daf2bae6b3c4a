namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// The recorded trials of one <c>algoperf transfer</c> ladder (one label: one algorithm, one width family, one
/// parameterisation, one step count), all widths together. The transferred learning rate is the base width's best
/// (the smallest width's lowest final loss), as the command chose it. Immutable.
/// </summary>
/// <param name="Label">The ladder's label (its runs are <c>{Label}/w{width}</c>).</param>
/// <param name="Algorithm">The algorithm's name as its trials recorded it.</param>
/// <param name="Family">The width family's prefix, e.g. <c>fashion_mnist_mlp</c>.</param>
/// <param name="Parameterisation"><c>mup</c> or <c>sp</c>.</param>
/// <param name="Steps">Steps of every trial (the most any of its completed trials ran).</param>
/// <param name="Trials">Every finished trial, all widths.</param>
/// <param name="Fixed">
/// The hyperparameters <c>--set</c> fixed in its trials besides the tuned ones (<see cref="FixedHyperparameters"/>:
/// <c>adam_learning_rate=0.004</c>); empty when none.
/// </param>
public sealed record TransferLadder(string Label, string Algorithm, string Family, string Parameterisation, long Steps, IReadOnlyList<TransferTrial> Trials, string Fixed = "")
{
    /// <summary>The widths that have trials, ascending.</summary>
    public IReadOnlyList<int> Widths => [.. Trials.Select(t => t.Width).Distinct().Order()];

    /// <summary>The base width: the smallest.</summary>
    public int BaseWidth => Trials.Count == 0 ? 0 : Trials.Min(t => t.Width);

    /// <summary>The base width's best learning rate (the transferred one), or null when no base trial has a finite loss.</summary>
    public double? TransferredLearningRate =>
        BestTrial(BaseWidth)?.LearningRate;

    /// <summary>
    /// Per width, best against transferred (<see cref="TransferWidthResult.Of"/>), ascending; a width whose trials all
    /// diverged or that has no trial at the transferred rate (an unfinished shard) is left out.
    /// </summary>
    public IReadOnlyList<TransferWidthResult> Results()
    {
        if (TransferredLearningRate is not { } lr) return [];
        return [.. Widths
            .Where(w => BestTrial(w) is not null && Trials.Any(t => t.Width == w && TransferWidthResult.SameRate(t.LearningRate, lr)))
            .Select(w => TransferWidthResult.Of(w, Trials, lr))];
    }

    /// <summary>The width's trial of lowest final loss, or null when none is finite.</summary>
    public TransferTrial? BestTrial(int width) => TransferTrial.Best(Trials.Where(t => t.Width == width));

    /// <summary>The width's trial at the transferred learning rate (the lowest-loss one if several decays ran), or null.</summary>
    public TransferTrial? TransferredTrial(int width) =>
        TransferredLearningRate is { } lr
            ? Trials.Where(t => t.Width == width && TransferWidthResult.SameRate(t.LearningRate, lr)).OrderBy(t => double.IsNaN(t.Loss) ? double.PositiveInfinity : t.Loss).FirstOrDefault()
            : null;
}
