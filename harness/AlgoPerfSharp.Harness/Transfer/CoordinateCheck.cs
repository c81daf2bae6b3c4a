using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// µP's coordinate check (Yang et al. 2021, "Tensor Programs V" §D; arXiv 2512.05620's feature-update check): train
/// <c>steps</c> updates in-process and report, for every layer, the RMS of the change of its output on the last
/// update's batch caused by that update. Under a parameterisation that transfers, each layer's value stays Θ(1) as the width
/// grows; under standard parameterisation with Adam the hidden layers' grows ∝ width. Untimed; single-threaded use.
/// </summary>
public static class CoordinateCheck
{
    /// <summary>Runs the check; the trial's µP multipliers are applied as in a trial (<see cref="WidthTransfer"/>).</summary>
    /// <exception cref="ArgumentException">The workload's model cannot report its layers' outputs (<see cref="ILayerOutputs"/>).</exception>
    public static IReadOnlyList<(string Layer, double Rms)> Measure(IWorkload workload, ITrainingAlgorithm algorithm, Hyperparameters hyperparameters, int steps = 10, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var model = workload.CreateModel(seed);
        var layers = model.Module as ILayerOutputs
            ?? throw new ArgumentException($"the model of {workload.Spec.Name} cannot report its layers' outputs; the coordinate check needs a width-ladder model", nameof(workload));
        var parameters = model.Parameters.Select(p => p.ToModelParameter()).ToList();
        var info = workload.Spec.Info(workload.Spec.MaxRuntimeSeconds) with { SupportsHessianVectorProducts = workload.TwiceDifferentiable };
        var (multipliers, _) = WidthTransfer.Resolve(workload, algorithm, parameters, hyperparameters);
        using var run = algorithm.Init(new AlgorithmInitContext(parameters, hyperparameters, info, seed) { Multipliers = multipliers });
        using var batches = workload.TrainBatches(seed, algorithm.BatchSize(info));
        using var probeScope = new DisposeScope();
        var probe = batches.Next();
        (string Layer, Tensor Output)[] before = [];
        for (int step = 0; step < steps; step++)
        {
            if (step == steps - 1) before = Outputs(layers, probe);
            using var scope = new DisposeScope();
            var oracle = new StepOracle(workload, model, batches, step == steps - 1 ? probe : batches.Next(), 0);
            run.Update(new StepContext(step, parameters, info, 0, [], oracle));
        }

        var after = Outputs(layers, probe);
        return after.Select((a, i) => (a.Layer, Math.Sqrt((a.Output - before[i].Output).Square().Mean().ToDouble()))).ToList();
    }

    private static (string Layer, Tensor Output)[] Outputs(ILayerOutputs layers, Batch probe)
    {
        using var noGrad = Autograd.NoGrad();
        return layers.LayerOutputs(probe.Inputs).ToArray();
    }
}
