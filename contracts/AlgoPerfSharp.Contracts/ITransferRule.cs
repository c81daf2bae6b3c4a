namespace AlgoPerfSharp.Contracts;

/// <summary>
/// Optional: a training algorithm that knows how its hyperparameters transfer across width (µP-style, arXiv
/// 2512.05620) implements this beside <see cref="ITrainingAlgorithm"/>. When a run asks for µP on a width ladder, the
/// harness calls <see cref="Multipliers"/> once per parameter (untimed) and passes the results in
/// <see cref="AlgorithmInitContext.Multipliers"/>; an algorithm without a rule runs with standard parameterisation
/// (all multipliers 1), and the harness says so in its log. Added in contract version 2.3. Implementations must be
/// pure functions of their arguments (thread-safe).
/// </summary>
public interface ITransferRule
{
    /// <summary>
    /// The multipliers of <paramref name="parameter"/> (its <see cref="ModelParameter.Width"/> is set) under the trial's
    /// <paramref name="hyperparameters"/> (e.g. a block size), relative to the ladder's base width.
    /// </summary>
    /// <exception cref="ArgumentException">The rule has nothing for the parameter's role or kind; the message says which.</exception>
    TransferMultipliers Multipliers(ModelParameter parameter, Hyperparameters hyperparameters);
}
