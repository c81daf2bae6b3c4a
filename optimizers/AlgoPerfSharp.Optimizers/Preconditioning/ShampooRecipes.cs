using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The Shampoo family as recipes of the same transforms AdamW uses: a Shampoo-family direction
/// (<see cref="ScaleByShampoo"/> or <see cref="ScaleBySoap"/>) followed by weight decay, momentum and the learning rate.
/// </summary>
public static class ShampooRecipes
{
    /// <summary>Parameters with a dimension at least this large are trained by Adam in <see cref="Shampoo"/> with <c>adamForHugeParameters</c>.</summary>
    public const long HugeDimension = 1_000_000;

    /// <summary>
    /// facebookresearch's order (optimizers.md §2.3): <c>Chain([AddDecayedWeights if L2], ScaleByShampoo,
    /// [AddDecayedWeights if decoupled], [ScaleByMomentum], ScaleByLearningRate)</c>. Weight decay, its type and the
    /// momentum come from <paramref name="config"/> for every parameter. With <paramref name="adamForHugeParameters"/>,
    /// as the winning AlgoPerf submission does, any parameter with a dimension ≥ <see cref="HugeDimension"/> (embedding
    /// tables) is trained by Adam: S = ∞ with Adam grafting (β2 = config's if &lt; 1, else 0.999; ε 1e-8), blocks of 524,288.
    /// </summary>
    public static IGradientTransform Shampoo(ShampooConfig config, LearningRateSchedule schedule, bool adamForHugeParameters = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(schedule);
        var huge = adamForHugeParameters ? AdamConfig(config) : null;
        var direction = new ScaleByShampoo(config, huge is null ? null : p => p.Tensor.Shape.Any(d => d >= HugeDimension) ? huge : config);
        var steps = new List<IGradientTransform>();
        bool l2 = config.WeightDecayType == WeightDecayType.L2;
        if (l2 && config.WeightDecay > 0) steps.Add(new AddDecayedWeights(config.WeightDecay));
        steps.Add(direction);
        if (!l2) steps.Add(new AddDecayedWeights(config.WeightDecay));
        if (config.Momentum > 0) steps.Add(new ScaleByMomentum(config.Momentum, config.Nesterov));
        steps.Add(new ScaleByLearningRate(schedule));
        return new Chain([.. steps]);
    }

    /// <summary>nikhilvyas/SOAP: <c>Chain(ScaleBySoap, ScaleByLearningRate, [DecayAfterStep])</c> — decay after the step, on the updated weights.</summary>
    public static IGradientTransform Soap(SoapConfig config, LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(schedule);
        return config.WeightDecay > 0
            ? new Chain(new ScaleBySoap(config), new ScaleByLearningRate(schedule), new DecayAfterStep(config.WeightDecay, schedule))
            : new Chain(new ScaleBySoap(config), new ScaleByLearningRate(schedule));
    }

    private static ShampooConfig AdamConfig(ShampooConfig main)
    {
        double beta2 = main.Beta2 < 1 ? main.Beta2 : 0.999;
        return new ShampooConfig(
            main.Beta1, beta2, main.Epsilon, main.WeightDecay, main.WeightDecayType, 524_288, main.PreconditionFrequency, long.MaxValue,
            main.UseBiasCorrection, new GraftingConfig(GraftingType.Adam, beta2, 1e-8));
    }
}
