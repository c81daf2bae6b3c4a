using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Conformance;

/// <summary>
/// Feeds a recorded trajectory's gradient stream to a training algorithm, open loop: the parameters start at the
/// recorded initial values (in <c>dtype</c>), before every step each parameter's gradient is set to the recorded one,
/// and the parameters after every step are returned. Hyperparameters go to <see cref="ITrainingAlgorithm.Init"/> as
/// given: pass the algorithm's constant-schedule setting to compare with a reference that has no schedule. An
/// algorithm that asks the step's oracle for more than the gradient (sub-batch gradients, Hessian–vector products, a
/// line search's losses) replays with an <c>oracle</c> (<see cref="ReplayOracle"/>) serving recorded inputs, and a
/// <c>workload</c> that admits it.
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
    /// <param name="algorithm">The algorithm replayed.</param>
    /// <param name="hyperparameters">Its hyperparameters, as given to Init.</param>
    /// <param name="trajectory">The recording.</param>
    /// <param name="dtype">Float32 or Float64.</param>
    /// <param name="oracle">Builds each step's oracle (null: one that can only set the recorded gradients).</param>
    /// <param name="workload">The workload the algorithm is told it trains (null: <see cref="Workload"/>).</param>
    public static double[][][] Run(ITrainingAlgorithm algorithm, Hyperparameters hyperparameters, Trajectory trajectory, DType dtype, ReplayOracle? oracle = null, WorkloadInfo? workload = null)
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
            workload ??= Workload(trajectory);
            using var run = algorithm.Init(new AlgorithmInitContext(parameters, hyperparameters, workload, Seed: 0));
            var result = new double[trajectory.Steps][][];
            for (int step = 0; step < trajectory.Steps; step++)
            {
                using var scope = new DisposeScope();
                int t = step;
                Func<double> setRecorded = () =>
                {
                    for (int i = 0; i < parameters.Count; i++)
                    {
                        using var g = Tensor.From<double>(trajectory.Gradients[t][i], trajectory.Parameters[i].Shape);
                        using var typed = g.To(dtype);
                        parameters[i].Tensor.Grad = typed;
                    }

                    return 0.0;
                };
                var context = oracle is null
                    ? new StepContext(t, parameters, workload, 0, [], setRecorded)
                    : new StepContext(t, parameters, workload, 0, [], oracle(t, parameters, dtype, setRecorded));
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
