using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Algorithms;

/// <summary>
/// Labels drawn from the model's own predictive distribution, for Gauss–Newton–Bartlett curvature estimates (Sophia-G):
/// softmax cross-entropy draws a class per row of logits (…, C) by the Gumbel-max trick (argmax of logits − log(−log U)),
/// giving int64 labels of shape (…); sigmoid cross-entropy draws Bernoulli(σ(logit)) targets of the logits' shape and
/// type. Pure function of the outputs and the generator; creates tensors in the caller's scope.
/// </summary>
public static class PredictiveSampler
{
    /// <summary>True when labels can be sampled for <paramref name="loss"/> (the cross-entropies).</summary>
    public static bool Supports(LossType loss) => loss is LossType.SoftmaxCrossEntropy or LossType.SigmoidCrossEntropy;

    /// <summary>Samples targets for <paramref name="outputs"/> (detached logits) under <paramref name="loss"/>.</summary>
    /// <exception cref="NotSupportedException"><paramref name="loss"/> is not a cross-entropy.</exception>
    public static Tensor Sample(Tensor outputs, LossType loss, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(generator);
        using var u = Tensor.Rand(outputs.Shape, generator, outputs.DType, outputs.Device);
        switch (loss)
        {
            case LossType.SoftmaxCrossEntropy:
                using (var gumbel = u.Log().Neg().Log().Neg())
                {
                    return outputs.Add(gumbel).ArgMax(-1);                                // (…) int64
                }

            case LossType.SigmoidCrossEntropy:
                return u.Lt(outputs.Sigmoid()).To(outputs.DType);
            default:
                throw new NotSupportedException($"labels can be sampled from the model only for a cross-entropy loss; this workload's loss is {loss}");
        }
    }
}
