using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Conformance;

/// <summary>
/// Builds the step oracle of one replayed step (<see cref="TrajectoryReplay.Run"/>) for an algorithm that asks for more
/// than the gradient: e.g. one serving the trajectory's <see cref="Trajectory.OracleTensors"/> for that step.
/// </summary>
/// <param name="step">The 0-based step.</param>
/// <param name="parameters">The replay's parameters (in <paramref name="dtype"/>).</param>
/// <param name="dtype">The replay's precision: tensors the oracle hands out must have it.</param>
/// <param name="setRecordedGradients">Sets every parameter's <c>Grad</c> to the gradient recorded for this step (the
/// plain replay's <see cref="IStepOracle.LossAndGradients"/>); returns 0.</param>
/// <returns>The oracle; tensors it creates join the step's dispose scope.</returns>
public delegate IStepOracle ReplayOracle(int step, IReadOnlyList<ModelParameter> parameters, DType dtype, Func<double> setRecordedGradients);
