using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>AlgoPerfSharp.Optimizers' AdamW recipe (constant learning rate) over a workload model's parameters.</summary>
internal static class Adam
{
    public static TransformOptimizer For(WorkloadModel model, double lr, double weightDecay = 0)
    {
        var ps = model.Parameters.Select(p => p.ToModelParameter()).ToList();
        var recipe = new Chain(new ScaleByAdam(0.9, 0.999, 1e-8), new AddDecayedWeights(weightDecay), new ScaleByLearningRate(new ConstantSchedule(lr)));
        return new TransformOptimizer(ps, recipe);
    }
}
