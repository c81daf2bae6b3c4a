using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Decoupled weight decay: u ← u + λ·w for the parameters the mask selects (w is the pre-update value). Followed by
/// <see cref="ScaleByLearningRate"/> this is AdamW's w ← w − η·λ·w. With width-transfer multipliers (m_η, m_λ) the
/// added term is λ·m_λ/m_η·w, so that after the learning rate the decay is η·λ·m_λ whatever m_η is (independent decay).
/// </summary>
public sealed class AddDecayedWeights : GradientTransform<EmptyState>
{
    /// <summary>Creates the transform; <paramref name="mask"/> null means every parameter.</summary>
    public AddDecayedWeights(double weightDecay, Func<ModelParameter, bool>? mask = null)
    {
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weight_decay must be finite and ≥ 0 (got {weightDecay})", nameof(weightDecay));
        WeightDecay = weightDecay;
        Mask = mask;
    }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Which parameters decay (null = all).</summary>
    public Func<ModelParameter, bool>? Mask { get; }

    /// <summary>A mask excluding biases and normalisation parameters.</summary>
    public static Func<ModelParameter, bool> ExcludeBiasAndNorm { get; } = p => !p.Type.IsBiasOrNorm();

    /// <inheritdoc/>
    public override string Name => "weight_decay";

    /// <inheritdoc/>
    protected override EmptyState InitState(IReadOnlyList<ModelParameter> parameters) => EmptyState.Instance;

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, EmptyState state)
    {
        if (WeightDecay == 0) return;
        for (int i = 0; i < context.Updates.Length; i++)
        {
            var p = context.Parameters[i];
            var m = context.MultipliersOf(i);
            if (Mask is null || Mask(p)) context.Updates[i].AddInPlace(p.Tensor, WeightDecay * m.WeightDecay / m.LearningRate);
        }
    }
}
