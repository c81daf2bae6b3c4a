using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Trials;

/// <summary>Maps the workload side's types onto the algorithm contract's (the two do not reference each other).</summary>
public static class ContractMapping
{
    /// <summary>The algorithm's view of a workload parameter (the same tensor, its kind mapped by name).</summary>
    public static ModelParameter ToModelParameter(WorkloadParameter p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new ModelParameter(p.Name, p.Parameter.Data, Enum.Parse<ParameterType>(p.Kind.ToString()));
    }

    /// <summary>The public workload facts an algorithm may see, with the ruleset's budget.</summary>
    public static WorkloadInfo ToWorkloadInfo(WorkloadSpec spec, double budgetSeconds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new WorkloadInfo(spec.Name, Enum.Parse<LossType>(spec.Loss.ToString()), spec.StepHint, budgetSeconds,
            spec.NumTrainExamples, spec.ReferenceBatchSize);
    }
}
