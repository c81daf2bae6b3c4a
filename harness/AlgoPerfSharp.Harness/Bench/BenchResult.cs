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

    /// <summary>
    /// Which process the resident figures are of: bench trains in this process (the <c>algoperf</c> process itself, no
    /// worker), so they cover the whole of it — the .NET runtime, libtorch, the workload's data, the model, the optimizer
    /// state, the steps' temporaries and the allocators' caches.
    /// </summary>
    public string MemoryScope { get; init; } = "in-process: the whole algoperf process that trained (.NET runtime + libtorch + data + model + optimizer state + temporaries)";

    /// <summary>The process's peak resident set (VmHWM, read after the last timed step, before its eval); null without procfs.</summary>
    public long? PeakResidentBytes { get; init; }

    /// <summary>The resident set (VmRSS) after the model was built, just before the algorithm's Init.</summary>
    public long? ResidentBeforeInitBytes { get; init; }

    /// <summary>The resident set (VmRSS) after the last timed step.</summary>
    public long? ResidentAfterStepsBytes { get; init; }

    /// <summary>Measured optimizer state: bytes of every tensor in the algorithm's checkpoint state (<c>SaveState</c>) after the last step.</summary>
    public long? StateBytes { get; init; }

    /// <summary>Tensors in that checkpoint state.</summary>
    public int StateTensors { get; init; }

    /// <summary>The algorithm's theoretical state on this model (<see cref="AlgoPerfSharp.Optimizers.Memory.TheoreticalState"/>); null for an algorithm without a formula (plugins).</summary>
    public long? TheoreticalStateBytes { get; init; }

    /// <summary>The theoretical formula in units of P and matrix-factor terms.</summary>
    public string? TheoreticalStateFormula { get; init; }

    /// <summary>Measured / theoretical state bytes; null when either is unknown or the theory is 0.</summary>
    public double? StateRatio => StateBytes is { } m && TheoreticalStateBytes is { } t && t > 0 ? (double)m / t : null;

    /// <summary>Achieved FLOP/s as a fraction of the GEMM peak.</summary>
    public double FractionOfPeak => GemmPeakFlopsPerSecond > 0 ? AchievedFlopsPerSecond / GemmPeakFlopsPerSecond : 0;

    private static string Mib(long? bytes) => bytes is { } b ? Optimizers.Memory.StateSize.Format(b) : "n/a";

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
        sb.AppendLine(c, $"  peak resident         {Mib(PeakResidentBytes)} (VmHWM of this process after the timed steps; before Init {Mib(ResidentBeforeInitBytes)}, after the steps {Mib(ResidentAfterStepsBytes)})");
        string theory = TheoreticalStateBytes is { } t ? $"theoretical {Mib(t)} = {TheoreticalStateFormula}" : "no theoretical formula for this algorithm";
        sb.AppendLine(c, $"  optimizer state       {Mib(StateBytes)} in {StateTensors} tensors (checkpoint state); {theory}{(StateRatio is { } r ? $"; ratio {r:F3}" : "")}");
        return sb.ToString();
    }
}
