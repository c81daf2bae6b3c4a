using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AlgoPerfSharp.Harness.Bench;

/// <summary>What <c>algoperf bench</c> measured for one workload × algorithm.</summary>
/// <param name="Workload">Workload name.</param>
/// <param name="Preset">Preset.</param>
/// <param name="Algorithm">Algorithm.</param>
/// <param name="Steps">Update steps timed.</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="TargetsPerStep">Prediction targets per step (tokens for a language model, labels for a classifier).</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="MedianStepSeconds">Median harness-timed step (batch, forward, backward, optimizer, scope clean-up).</param>
/// <param name="MedianUpdateSeconds">Median time inside the algorithm's Update (forward, backward, optimizer).</param>
/// <param name="MedianForwardBackwardSeconds">Median forward + backward alone.</param>
/// <param name="MedianBatchSeconds">Median time to take the next training batch from the workload's stream (part of the harness overhead).</param>
/// <param name="ExamplesPerSecond">Batch size / median step.</param>
/// <param name="ModelFlopsPerStep">Model FLOPs of one training step: 3 × the workload's layer-by-layer forward count per example
/// (<see cref="AlgoPerfSharp.Workloads.WorkloadSpec.ForwardFlopsPerExample"/>) × the batch size; for a workload that states
/// no count, the dense-layer estimate 6 × parameters × targets.</param>
/// <param name="AchievedFlopsPerSecond">Model FLOPs per step / median step.</param>
/// <param name="GemmPeakFlopsPerSecond">Measured float32 GEMM rate (2n³ per n×n matmul) on this machine.</param>
/// <param name="OptimizerShare">(update − forward/backward) / step: the optimizer's share of the step.</param>
/// <param name="HarnessOverhead">(step − update) / step: everything but the algorithm's update and the model's forward/backward.</param>
public sealed record BenchResult(
    string Workload, string Preset, string Algorithm, int Steps, int BatchSize, long TargetsPerStep, long Parameters,
    double MedianStepSeconds, double MedianUpdateSeconds, double MedianForwardBackwardSeconds, double MedianBatchSeconds, double ExamplesPerSecond,
    double ModelFlopsPerStep, double AchievedFlopsPerSecond, double GemmPeakFlopsPerSecond, double OptimizerShare, double HarnessOverhead)
{
    /// <summary>
    /// Backward passes over the step's data per timed step, as the trial's <c>oracle/gradient_evaluations</c> (1 for a
    /// plain step; Sophia-G 1 + 1/k; progressive-batching L-BFGS 2); NaN if the trial recorded none.
    /// </summary>
    public double GradientEvaluationsPerStep { get; init; } = double.NaN;

    /// <summary>Forward-only passes per step (line searches), as <c>oracle/loss_evaluations</c>.</summary>
    public double LossEvaluationsPerStep { get; init; } = double.NaN;

    /// <summary>Hessian–vector products per step (each a forward and two backward passes), as <c>oracle/hessian_vector_products</c> (0 when the trial's rows have none).</summary>
    public double HessianVectorProductsPerStep { get; init; } = double.NaN;

    /// <summary>Training examples drawn per step (the batch plus any drawn into the step), as <c>oracle/examples</c>.</summary>
    public double ExamplesDrawnPerStep { get; init; } = double.NaN;

    /// <summary>Where the model trained (<c>cpu</c>, <c>cuda:N</c>). The GEMM peak is always the CPU's.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Achieved FLOP/s as a fraction of the GEMM peak.</summary>
    public double FractionOfPeak => GemmPeakFlopsPerSecond > 0 ? AchievedFlopsPerSecond / GemmPeakFlopsPerSecond : 0;

    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Hosting.JsonFormats.Indented);

    /// <summary>A short human-readable table.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{Workload} ({Preset}) × {Algorithm} on {Device}: {Steps} steps of {BatchSize} examples, {Parameters:N0} parameters");
        sb.AppendLine(c, $"  step (median)         {MedianStepSeconds * 1e3:F2} ms   ({ExamplesPerSecond:F0} examples/s)");
        sb.AppendLine(c, $"  forward+backward      {MedianForwardBackwardSeconds * 1e3:F2} ms");
        sb.AppendLine(c, $"  oracle per step       {GradientEvaluationsPerStep:F2} gradient + {LossEvaluationsPerStep:F2} loss evaluations{(HessianVectorProductsPerStep > 0 ? $" + {HessianVectorProductsPerStep:F2} Hessian–vector products" : "")}, {ExamplesDrawnPerStep:F0} examples");
        sb.AppendLine(c, $"  optimizer share       {OptimizerShare:P1}");
        sb.AppendLine(c, $"  harness overhead      {HarnessOverhead:P2}  (target ≤ 2%; of which taking the batch {MedianBatchSeconds * 1e3:F3} ms)");
        sb.AppendLine(c, $"  model FLOPs per step  {ModelFlopsPerStep / 1e9:F3} GFLOP (forward + backward)");
        sb.AppendLine(c, $"  achieved              {AchievedFlopsPerSecond / 1e9:F2} GFLOP/s = {FractionOfPeak:P1} of the measured (CPU) GEMM peak {GemmPeakFlopsPerSecond / 1e9:F1} GFLOP/s");
        return sb.ToString();
    }
}
