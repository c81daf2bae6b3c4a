namespace AlgoPerfSharp.Harness.Calibration;

/// <summary>
/// Whether a target means a trained model: where it lies between the initial metric and the best metric the tuned
/// baseline reaches when trained <see cref="Calibrator.LongRunFactor"/> × the budget with its schedule stretched
/// alike. <see cref="Fraction"/> = (initial − target) / (initial − best) for a metric minimised (the mirror image for
/// one maximised); a target that means a trained model lies at least <see cref="Calibrator.ConvergedFraction"/> of the
/// way.
/// </summary>
/// <param name="InitialMetric">The long run's first eval (after step 1, whose warm-up learning rate is 0: the initial model).</param>
/// <param name="BestMetric">The best validation metric of the long run.</param>
/// <param name="Target">The proposed validation target.</param>
/// <param name="Fraction">How far the target lies from the initial metric toward the long run's best (1 = at the best).</param>
/// <param name="LongRunSeconds">The long run's budget in timed seconds.</param>
/// <param name="LongRunStepHint">The long run's step hint (schedule horizon).</param>
public sealed record ConvergenceCheck(double InitialMetric, double BestMetric, double Target, double Fraction, double LongRunSeconds, long LongRunStepHint)
{
    /// <summary>True when the target lies at least <see cref="Calibrator.ConvergedFraction"/> of the way.</summary>
    public bool MeansATrainedModel => Fraction >= Calibrator.ConvergedFraction;
}
