using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// The state of a cross-fitted transform (<see cref="ScaleByCrossFitAdam"/>, <see cref="ScaleByCrossFitShampoo"/>):
/// it takes the preconditioner's sample — the B microbatches' gradients — from the algorithm's run for one update.
/// </summary>
public interface ICrossFitState
{
    /// <summary>
    /// The B microbatches' gradients for the next update: <c>Sample[j][i]</c> is microbatch j's gradient of parameter i
    /// (tensors of the step's scope); null until set, and again after the update that used it.
    /// </summary>
    IReadOnlyList<IReadOnlyList<Tensor>>? Sample { get; set; }
}
