namespace AlgoPerfSharp.Workloads.Data;

/// <summary>The three splits of every workload's data.</summary>
public enum DataSplit
{
    /// <summary>Training data (the only split an algorithm's update step sees).</summary>
    Train,

    /// <summary>Validation data: the target is defined on it.</summary>
    Validation,

    /// <summary>Test data: reported beside validation.</summary>
    Test,
}
