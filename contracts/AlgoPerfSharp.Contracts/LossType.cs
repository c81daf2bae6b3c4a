namespace AlgoPerfSharp.Contracts;

/// <summary>The workload's loss, which an algorithm may branch on (as in AlgoPerf).</summary>
public enum LossType
{
    /// <summary>Softmax cross-entropy over classes or tokens.</summary>
    SoftmaxCrossEntropy,

    /// <summary>Sigmoid (binary) cross-entropy.</summary>
    SigmoidCrossEntropy,

    /// <summary>Mean squared error.</summary>
    MeanSquaredError,

    /// <summary>Mean absolute error.</summary>
    MeanAbsoluteError,
}
