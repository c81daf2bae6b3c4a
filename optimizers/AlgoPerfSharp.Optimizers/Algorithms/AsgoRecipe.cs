using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Optimizers.Algorithms.CommonHyperparameters;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// What <see cref="Asgo"/> and <see cref="Dasgo"/> share: their declarations (infinity-stars/ASGO's defaults) and their
/// recipe — hidden matrices (<see cref="Muon.IsMuonParameter"/>) take <see cref="ScaleByAsgo"/>, decoupled decay from
/// the pre-update weights and the schedule; every other parameter (embeddings, the output head, biases, norms) takes
/// Adam with the reference's settings (β (0.9, 0.95), ε 1e-8, no decay) and the same learning rate and schedule.
/// </summary>
internal static class AsgoRecipe
{
    /// <summary>The declarations, with the variant's own β2, ε and learning-rate defaults.</summary>
    public static IReadOnlyList<HyperparameterDeclaration> Declarations(double learningRate, double beta2, double epsilon) =>
    [
        LearningRate(learningRate), OneMinusBeta1(0.1),
        HyperparameterDeclaration.Real("beta2", beta2, 0, 1, "EMA decay β2 of the preconditioner statistic (< 1; 0 = the current gradient's only)"),
        HyperparameterDeclaration.Real("epsilon", epsilon, 0, double.PositiveInfinity, "damping ε (> 0): the inverse root is of P + εI (ASGO) or p + ε (DASGO)"),
        WeightDecay(0.1),
        HyperparameterDeclaration.Real("warmup_factor", 0.1, 0, 1, "linear warm-up over this fraction of the step hint (the reference warms up over 10%)"),
        AdamBeta1(0.9), AdamBeta2(0.95), AdamEpsilon(1e-8), AdamWeightDecay(0.0),
    ];

    /// <summary>Builds the partitioned recipe; <paramref name="diagonal"/> picks DASGO.</summary>
    public static IGradientTransform Build(HyperparameterReader h, LearningRateSchedule schedule, bool diagonal)
    {
        ArgumentNullException.ThrowIfNull(h);
        var config = new AsgoConfig(h.Beta("beta1"), h.Beta("beta2"), h.Get("epsilon"), diagonal);
        var asgo = new Chain(new ScaleByAsgo(config), new AddDecayedWeights(h.Get("weight_decay")), new ScaleByLearningRate(schedule));
        var adam = new Chain(
            new ScaleByAdam(h.Beta("adam_beta1"), h.Beta("adam_beta2"), h.Get("adam_epsilon")),
            new AddDecayedWeights(h.Get("adam_weight_decay")),
            new ScaleByLearningRate(schedule));
        return new Partition(Muon.IsMuonParameter, asgo, adam);
    }
}
