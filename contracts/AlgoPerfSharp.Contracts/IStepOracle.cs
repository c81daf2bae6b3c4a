using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// What the harness computes for an algorithm inside one timed step: the step's "oracle" (AlgoPerf's
/// <c>update_params</c> receives the model, the loss and the batch; this is the same power, without handing over the
/// model). Algorithms reach it through <see cref="StepContext"/>, which also counts what they spend. Every call runs on
/// the parameters' current values and on all of the step's data: the batch the step started with plus every batch
/// drawn by <see cref="DrawMoreData"/>. Tensors returned are created in the step's DisposeScope (clone to keep them).
/// </summary>
public interface IStepOracle
{
    /// <summary>Examples (images or token windows) in the step's data so far.</summary>
    int Examples { get; }

    /// <summary>
    /// Forward and backward over the step's data: every parameter's <c>Grad</c> becomes the gradient of the mean loss
    /// (replacing, not accumulating). Returns the mean loss.
    /// </summary>
    double LossAndGradients();

    /// <summary>Forward only, under no-grad, over the step's data (model in train mode): the mean loss. Grads untouched.</summary>
    double Loss();

    /// <summary>
    /// Splits the step's data into <paramref name="groups"/> disjoint groups of (nearly) equal size, in order, and
    /// returns each group's mean loss and mean-loss gradient, without summing them. Afterwards every parameter's
    /// <c>Grad</c> holds the example-weighted average of the groups' gradients, which equals the full-data gradient for
    /// models without batch statistics (with BatchNorm each group is normalised by its own statistics, and the running
    /// statistics are updated once per group).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groups"/> is below 1 or above the examples of a batch.</exception>
    IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups);

    /// <summary>
    /// Forward over the step's data, then the workload's loss against targets the algorithm supplies: 
    /// <paramref name="targets"/> receives each batch's outputs (detached; e.g. logits) and returns targets of the
    /// workload's target shape and type (e.g. labels sampled from the model's own predictive distribution, as Sophia-G's
    /// Gauss–Newton–Bartlett estimator does). Sets every parameter's <c>Grad</c> to the gradient of that mean loss and
    /// returns it.
    /// </summary>
    /// <exception cref="NotSupportedException">The workload does not expose its outputs.</exception>
    double LossAndGradientsForTargets(Func<Tensor, Tensor> targets);

    /// <summary>
    /// Draws <paramref name="batches"/> further training batches into this step (AlgoPerf's <c>data_selection</c>):
    /// they come from the same seeded stream as the step batches (the next steps start after them), and every later
    /// call in this step uses them too. Returns <see cref="Examples"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batches"/> is below 1 or the step would hold more than the limit.</exception>
    int DrawMoreData(int batches);

    /// <summary>
    /// The Hessian of the step's mean loss (over all of the step's data, at the parameters' current values) times
    /// <paramref name="vector"/>, one tensor per parameter: Pearlmutter's ∇(∇L·v), a forward recorded twice-differentiably
    /// and two backward passes. Grads untouched. As every train-mode forward, it draws its own dropout masks and updates
    /// BatchNorm's running statistics. Added in contract version 2.5 (a default member: an oracle that predates it
    /// throws <see cref="NotSupportedException"/>).
    /// </summary>
    /// <param name="vector">One tensor per parameter, in <see cref="StepContext.Parameters"/> order, each of its parameter's shape and type.</param>
    /// <returns>Hv, one tensor per parameter (created in the step's DisposeScope: clone to keep).</returns>
    /// <exception cref="NotSupportedException">The workload's graph is not twice differentiable; the message names the workload and the cause.</exception>
    /// <exception cref="ArgumentException"><paramref name="vector"/> does not match the parameters.</exception>
    IReadOnlyList<Tensor> HessianVectorProduct(IReadOnlyList<Tensor> vector) =>
        throw new NotSupportedException("this step's oracle offers no Hessian–vector products");
}
