using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The Shampoo family's direction as a gradient transform (facebookresearch's <c>DistributedShampoo</c> step up to the
/// decay, optimizers.md §2.3): per step t it accumulates every factor from the raw (merged) gradient, runs the amortized
/// computation when (t % F == 0 and t &gt; S) or t == S, updates the grafting second moment and the filtered gradient
/// Ḡ = β3·M_{t−1} + (1−β3)·G (bias-corrected), preconditions each block through the parameter's
/// <see cref="IKroneckerPreconditioner"/> (root inverse or eigenvalue-corrected, by <see cref="ShampooConfig.Kind"/>)
/// and grafts each block's norm. The update becomes the direction P; weight decay, momentum and the learning rate are
/// the ordinary transforms after it (coupled L2 decay before it) — see <see cref="ShampooRecipes"/>.
/// </summary>
/// <remarks>
/// A failed amortized computation keeps the previous matrix and is counted; more than
/// <see cref="ShampooConfig.ToleratedFailures"/> consecutive amortized steps with a failure raise
/// <see cref="InvalidOperationException"/>. Diagnostics: <c>factor/&lt;param&gt;/&lt;block&gt;/&lt;L|R|dk&gt;/{checks,
/// refreshes,qr_iterations,last_criterion,failures}</c> and <c>eigen/{checks,refreshes,qr_iterations,failures,amortized_seconds}</c>.
/// </remarks>
public sealed class ScaleByShampoo : GradientTransform<ShampooState>, IScaledDirection
{
    /// <summary>Creates the transform.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="configFor">Optional per-parameter configuration (a "parameter group"), e.g. Adam for embedding tables.</param>
    public ScaleByShampoo(ShampooConfig config, Func<ModelParameter, ShampooConfig>? configFor = null)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        ConfigFor = configFor;
    }

    /// <summary>The configuration (and <see cref="ConfigFor"/> per parameter when set).</summary>
    public ShampooConfig Config { get; }

    /// <summary>Per-parameter override, or null.</summary>
    public Func<ModelParameter, ShampooConfig>? ConfigFor { get; }

    /// <summary>
    /// Whether the factor statistics of all parameters are updated in one native call
    /// (<see cref="KroneckerBlocks.AccumulateAll"/>) and the eigenvalue-corrected preconditioning of every whole 2-D block
    /// with computed bases, of all parameters, in another (<see cref="EigenvalueCorrectedPreconditioner.PreconditionMany"/>);
    /// default true. False: parameter by parameter and block by block. Equal up to the rounding of BLAS run on fewer threads.
    /// </summary>
    public bool BatchBlocks { get; init; } = true;

    /// <inheritdoc/>
    public override string Name => "shampoo";

    /// <summary>True when step t runs the amortized computation: (t % F == 0 and t &gt; S) or t == S.</summary>
    public static bool IsAmortizedStep(long t, ShampooConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long s = config.StartPreconditioningStep;
        return (t % config.PreconditionFrequency == 0 && t > s) || t == s;
    }

    /// <inheritdoc/>
    protected override ShampooState InitState(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new ShampooState(parameters.Select(p => new ShampooParameterState(p, ConfigFor?.Invoke(p) ?? Config)).ToArray(), Config.ToleratedFailures);
    }

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, ShampooState state) => IScaledDirection.WriteUpdates(context, Directions(context, state));

    /// <inheritdoc/>
    public (Tensor Direction, double Scale)[]? Directions(UpdateContext context, TransformState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = state as ShampooState ?? throw new ArgumentException($"{Name} was given a {state.GetType().Name}", nameof(state));
        long t = context.Step;
        var states = s.Parameters.Cast<ShampooParameterState>().ToArray();
        var merged = new Tensor[context.Updates.Length];
        var accumulations = new List<(KroneckerBlocks, Tensor, double, double)>();
        for (int i = 0; i < merged.Length; i++)
        {
            var ps = states[i];
            merged[i] = context.Updates[i].Reshape(ps.Preconditioner.Layout.MergedShape);
            // Both preconditioners accumulate F ← β2·F + w·(unfolding)(unfolding)ᵀ with the parameter's β2 and w.
            if (BatchBlocks) accumulations.Add((ps.Layout, merged[i], ps.Config.Beta2, ps.Config.FactorWeight));
            else ps.Preconditioner.Accumulate(merged[i]);
        }

        if (accumulations.Count > 0) KroneckerBlocks.AccumulateAll(accumulations);
        s.Amortized(t);
        ShampooParameterState.FilterAll(states, merged);
        Dictionary<ShampooBlock, Tensor>? preconditioned = null;
        if (BatchBlocks)
        {
            var jobs = new List<(EigenvalueCorrectedPreconditioner, ShampooBlock, Tensor, Tensor)>();
            for (int i = 0; i < states.Length; i++) states[i].AddBatchableBlocks(merged[i], t, jobs);
            if (jobs.Count > 0) preconditioned = EigenvalueCorrectedPreconditioner.PreconditionMany(jobs, t);
        }

        var result = new (Tensor, double)[merged.Length];
        for (int i = 0; i < merged.Length; i++)
        {
            var p = states[i].Direction(merged[i], t, out double scale, preconditioned);
            result[i] = (p, scale);
        }

        return result;
    }
}
