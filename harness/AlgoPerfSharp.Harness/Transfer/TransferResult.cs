namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// One finished trial of a transfer ladder: its width, point, final validation loss (+∞ when it diverged, failed or
/// stopped before the ladder's step count), its validation-loss curve (every eval row; null when not loaded) and
/// whether it diverged (a non-finite training loss: a rate too large, unlike a failure such as a plugin's exception).
/// </summary>
public sealed record TransferTrial(int Width, double LearningRate, double WeightDecay, double Loss, IReadOnlyList<LossPoint>? Curve = null, bool Diverged = false)
{
    /// <summary>The trial of lowest finite final loss among <paramref name="trials"/>, or null when none is finite.</summary>
    public static TransferTrial? Best(IEnumerable<TransferTrial> trials) => trials.Where(t => double.IsFinite(t.Loss)).MinBy(t => t.Loss);

    /// <summary>"{lowest} to {highest}" of the learning rates of <paramref name="trials"/> (not empty), for messages.</summary>
    internal static string RateRange(IReadOnlyCollection<TransferTrial> trials) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{trials.Min(t => t.LearningRate):G4} to {trials.Max(t => t.LearningRate):G4}");
}

/// <summary>
/// One width's outcome: the best learning rate of its grid, the transferred one, their drift in grid steps
/// (log₂(η_best/η_transferred)) and the transfer regret (transferred run's loss − best loss; 0 = transfers).
/// </summary>
public sealed record TransferWidthResult(int Width, double BestLearningRate, double TransferredLearningRate, double DriftSteps, double BestLoss, double TransferredLoss)
{
    /// <summary>Transferred loss − best loss.</summary>
    public double Regret => TransferredLoss - BestLoss;

    /// <summary>Summarises <paramref name="trials"/> of one width against the transferred learning rate.</summary>
    /// <exception cref="ArgumentException">No trial finished with a finite loss, or none ran at the transferred rate.</exception>
    public static TransferWidthResult Of(int width, IReadOnlyList<TransferTrial> trials, double transferred)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var best = TransferTrial.Best(trials.Where(t => t.Width == width)) ?? throw new ArgumentException($"width {width}: no trial finished with a finite loss");
        var at = trials.Where(t => t.Width == width && SameRate(t.LearningRate, transferred)).ToList();
        if (at.Count == 0) throw new ArgumentException($"width {width}: no trial ran at the transferred learning rate {transferred:G4}");
        return new(width, best.LearningRate, transferred, Math.Log2(best.LearningRate / transferred), best.Loss, at.Min(t => t.Loss));
    }

    /// <summary>Whether two learning rates are the same grid point (equal to 1e-9 in log₂).</summary>
    public static bool SameRate(double a, double b) => Math.Abs(Math.Log2(a / b)) < 1e-9;
}
