using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Conformance;

/// <summary>
/// Feeds a recorded trajectory's gradient stream to a training algorithm, open loop: the parameters start at the
/// recorded initial values (in <c>dtype</c>), before every step each parameter's gradient is set to the recorded one,
/// and the parameters after every step are returned. Hyperparameters go to <see cref="ITrainingAlgorithm.Init"/> as
/// given: pass the algorithm's constant-schedule setting to compare with a reference that has no schedule.
/// </summary>
public static class TrajectoryReplay
{
    /// <summary>The workload the algorithm is told it trains (the step hint is the trajectory's length).</summary>
    public static WorkloadInfo Workload(Trajectory trajectory)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        return new WorkloadInfo("conformance_trajectory", LossType.MeanSquaredError, trajectory.Steps, 3600, 1000, 32);
    }

    /// <summary>Replays every step; returns [step][parameter] values (row-major, widened to float64).</summary>
    /// <exception cref="InvalidOperationException">The algorithm threw or returned a non-finite value; the message names the step.</exception>
    public static double[][][] Run(ITrainingAlgorithm algorithm, Hyperparameters hyperparameters, Trajectory trajectory, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(trajectory);
        if (dtype is not (DType.Float32 or DType.Float64)) throw new ArgumentException($"replay runs in Float32 or Float64, not {dtype}", nameof(dtype));
        var parameters = trajectory.Parameters.Select((p, i) =>
        {
            using var wide = Tensor.From<double>(trajectory.Initial[i], p.Shape);
            var t = DisposeScope.Detach(wide.To(dtype));
            t.RequiresGrad = true;
            return new ModelParameter(p.Name, t, p.Type);
        }).ToList();
        try
        {
            var workload = Workload(trajectory);
            using var run = algorithm.Init(new AlgorithmInitContext(parameters, hyperparameters, workload, Seed: 0));
            var result = new double[trajectory.Steps][][];
            for (int step = 0; step < trajectory.Steps; step++)
            {
                using var scope = new DisposeScope();
                int t = step;
                var context = new StepContext(t, parameters, workload, 0, [], () =>
                {
                    for (int i = 0; i < parameters.Count; i++)
                    {
                        using var g = Tensor.From<double>(trajectory.Gradients[t][i], trajectory.Parameters[i].Shape);
                        using var typed = g.To(dtype);
                        parameters[i].Tensor.Grad = typed;
                    }

                    return 0.0;
                });
                try
                {
                    run.Update(context);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new InvalidOperationException($"{algorithm.Name} threw at step {t}: {e.Message}", e);
                }

                result[t] = parameters.Select(p =>
                {
                    using var wide = p.Tensor.Detach().To(DType.Float64);
                    return wide.ToArray<double>();
                }).ToArray();
            }

            return result;
        }
        finally
        {
            foreach (var p in parameters) p.Tensor.Dispose();
        }
    }
}
