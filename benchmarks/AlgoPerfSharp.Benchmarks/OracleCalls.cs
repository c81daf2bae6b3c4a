namespace AlgoPerfSharp.Benchmarks;

/// <summary>The oracle calls beyond the step's gradient that a <see cref="SyntheticOracle"/> is prepared to answer.</summary>
[Flags]
public enum OracleCalls
{
    /// <summary>The step's gradient only (<see cref="Contracts.IStepOracle.LossAndGradients"/>).</summary>
    None = 0,

    /// <summary><see cref="Contracts.IStepOracle.SubBatchGradients"/> (cf_adamw, cf_shampoo, pb_lbfgs), and pb_lbfgs's line-search losses.</summary>
    SubBatches = 1,

    /// <summary><see cref="Contracts.IStepOracle.LossAndGradientsForTargets"/> (sophia_g).</summary>
    Targets = 2,

    /// <summary><see cref="Contracts.IStepOracle.HessianVectorProduct"/> (sophia_h).</summary>
    HessianVectorProducts = 4,
}
