using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>Scales all updates by min(1, max/‖u‖₂) where ‖u‖₂ is the norm of all updates together (PyTorch's clip_grad_norm_, +1e-6).</summary>
public sealed class ClipByGlobalNorm : GradientTransform<EmptyState>
{
    /// <summary>Creates the transform.</summary>
    public ClipByGlobalNorm(double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentException($"grad_clip (max norm) must be > 0 (got {maxNorm})", nameof(maxNorm));
        MaxNorm = maxNorm;
    }

    /// <summary>The norm bound.</summary>
    public double MaxNorm { get; }

    /// <inheritdoc/>
    public override string Name => "clip_by_global_norm";

    /// <inheritdoc/>
    protected override EmptyState InitState(IReadOnlyList<ModelParameter> parameters) => EmptyState.Instance;

    /// <summary>The global L2 norm of a list of tensors.</summary>
    public static double GlobalNorm(IReadOnlyList<Tensor> tensors)
    {
        double sq = 0;
        foreach (var t in tensors)
        {
            using var s = t.Square().Sum([], dtype: DType.Float64);
            sq += s.ToDouble();
        }

        return Math.Sqrt(sq);
    }

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, EmptyState state)
    {
        double norm = GlobalNorm(context.Updates);
        double scale = MaxNorm / (norm + 1e-6);
        if (scale < 1)
        {
            foreach (var u in context.Updates) u.MulInPlace(scale);
        }
    }
}
