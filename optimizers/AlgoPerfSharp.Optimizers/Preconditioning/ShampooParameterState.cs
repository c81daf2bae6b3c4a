using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The Shampoo-family state of one parameter: its configuration, preconditioner (blocks, factors and any rotated second
/// moment), the filtered gradient M and the grafting second moment V (both in the merged shape), and the math of one
/// direction. Owns its tensors.
/// </summary>
internal sealed class ShampooParameterState : FactoredParameterState
{
    private readonly Tensor? _m; // filtered gradient, β1 > 0
    private readonly Tensor? _v; // grafting second moment

    public ShampooParameterState(ModelParameter parameter, ShampooConfig config)
    {
        Config = config;
        var t = parameter.Tensor;
        var shape = t.Shape;
        var merged = config.MergeDims ? ShampooBlocking.MergeDims(shape, config.MaxPreconditionerDim, config.MergeOrder) : (shape.Length == 0 ? [1] : shape);

        // No factors at all when preconditioning never starts (S = ∞): nothing would ever read them.
        bool precondition = !(shape.Length <= 1 && !config.Precondition1D) && config.StartPreconditioningStep != long.MaxValue;
        var layout = new KroneckerBlocks(parameter, merged, config.MaxPreconditionerDim, config.BlockLargeDimensions, precondition);
        Preconditioner = config.Kind == PreconditionerKind.EigenvalueCorrected
            ? new EigenvalueCorrectedPreconditioner(layout, config, t.DType)
            : new RootInversePreconditioner(layout, config);
        if (config.Beta1 > 0) _m = DisposeScope.Detach(Tensor.Zeros(merged, t.DType));
        if (config.Grafting is { HasSecondMoment: true }) _v = DisposeScope.Detach(Tensor.Zeros(merged, t.DType));
    }

    public ShampooConfig Config { get; }

    public IKroneckerPreconditioner Preconditioner { get; }

    /// <inheritdoc/>
    public override KroneckerBlocks Layout => Preconditioner.Layout;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Tensor Tensor)> MomentTensors()
    {
        if (_m is not null) yield return ("m", _m);
        if (_v is not null) yield return ("v", _v);
        foreach (var x in Preconditioner.StateTensors()) yield return x;
    }

    /// <summary>
    /// True when the filtered gradient is M_t itself (β3 = β1), so that M's update M ← M + (1 − β1)·(G − M) needs nothing
    /// else of this parameter and can run for every parameter in one native call (<see cref="FilterAll"/>).
    /// </summary>
    public bool FiltersInBatch => _m is not null && Config.Beta3 == Config.Beta1;

    /// <summary>
    /// M ← M + (1 − β1)·(G − M) for every state that <see cref="FiltersInBatch"/>, in one native pass over all of them
    /// (equal to each <c>LerpInPlace</c> up to one rounding); <see cref="Direction"/> then leaves their M alone.
    /// </summary>
    /// <param name="states">The parameters' states.</param>
    /// <param name="merged">Their (L2-augmented) merged gradients, aligned with <paramref name="states"/>.</param>
    public static void FilterAll(IReadOnlyList<ShampooParameterState> states, IReadOnlyList<Tensor> merged)
    {
        var moments = new List<Tensor>();
        var grads = new List<Tensor>();
        var weights = new List<double>();
        for (int i = 0; i < states.Count; i++)
        {
            if (!states[i].FiltersInBatch) continue;
            moments.Add(states[i]._m!);
            grads.Add(merged[i]);
            weights.Add(1 - states[i].Config.Beta1);
        }

        FusedSteps.LerpManyInPlace(moments, grads, weights);
    }

    /// <summary>
    /// Adds this parameter's blocks that <see cref="EigenvalueCorrectedPreconditioner.PreconditionMany"/> can take at step
    /// <paramref name="t"/> (after <see cref="FilterAll"/>): eigenvalue-corrected, not a grafted step, a filtered gradient
    /// that is M itself or G (β1 = 0), and the block batchable.
    /// </summary>
    public void AddBatchableBlocks(Tensor g, long t, List<(EigenvalueCorrectedPreconditioner, ShampooBlock, Tensor, Tensor)> into)
    {
        if (Preconditioner is not EigenvalueCorrectedPreconditioner ec) return;
        if (_m is not null && !FiltersInBatch) return;
        if (Config.Grafting is not null && t < Config.StartPreconditioningStep) return;
        var gbar = _m ?? g;
        foreach (var block in Layout.Blocks)
        {
            if (EigenvalueCorrectedPreconditioner.IsBatchable(block)) into.Add((ec, block, gbar, g));
        }
    }

    /// <inheritdoc/>
    public override bool IsAmortizedStep(long t) => ScaleByShampoo.IsAmortizedStep(t, Config);

    /// <inheritdoc/>
    public override void Refresh(ShampooBlock block, int k, long t) => Preconditioner.Refresh(block.Factors[k]!, t);

    /// <summary>
    /// The direction P = <paramref name="scale"/>·(returned tensor, parameter shape, never an alias of g or M): grafting
    /// second moment, filtered gradient, per-block preconditioning and grafting. Bias corrections are scalars folded into
    /// <paramref name="scale"/> (√(V/bc) + ε = (√V + ε√bc)/√bc) to save elementwise passes. The factors must have been
    /// accumulated and refreshed first, and when this state <see cref="FiltersInBatch"/> its M updated by
    /// <see cref="FilterAll"/>. <paramref name="g"/> is the (L2-augmented) merged gradient; <paramref name="preconditioned"/>
    /// holds blocks already preconditioned by <see cref="EigenvalueCorrectedPreconditioner.PreconditionMany"/> this step.
    /// </summary>
    public Tensor Direction(Tensor g, long t, out double scale, IReadOnlyDictionary<ShampooBlock, Tensor>? preconditioned = null)
    {
        var c = Config;
        var layout = Preconditioner.Layout;
        var graft = c.Grafting;
        if (graft is { HasSecondMoment: true }) _v!.MulInPlace(graft.Beta2).AddCMulInPlace(g, g, graft.SquareWeight);

        // Ḡ = s1·gbar with gbar = β3·M_{t−1} + (1−β3)·G (= M_t when β3 = β1) and s1 = 1/(1 − β3·β1^{t−1}).
        Tensor gbar = g;
        double s1 = 1;
        if (_m is not null)
        {
            Tensor? nesterov = null;
            if (!FiltersInBatch)
            {
                nesterov = _m.Lerp(g, 1 - c.Beta3);
                _m.LerpInPlace(g, 1 - c.Beta1);
            }

            gbar = nesterov ?? _m;
            if (c.UseBiasCorrection) s1 = 1 / (1 - (c.Beta3 * Math.Pow(c.Beta1, t - 1)));
        }

        bool grafted = graft is not null && t < c.StartPreconditioningStep;
        double sSh = s1 * Preconditioner.Scale(t); // P_sh = sSh·(computed)
        var p = layout.Blocks.Count == 1 ? null : Tensor.Empty(layout.MergedShape, g.DType);
        Tensor? whole = null;
        foreach (var block in layout.Blocks)
        {
            var gb = block.Of(gbar);
            Tensor pb;
            if (grafted)
            {
                pb = GraftDirection(block, gb, graft!, t, s1, out _);
            }
            else
            {
                pb = preconditioned is not null && preconditioned.TryGetValue(block, out var done) ? done : Preconditioner.Precondition(block, gb, block.Of(g), t);
                if (graft is not null)
                {
                    // P_b = ‖P_gr‖/(‖P_sh‖ + 1e−16)·P_sh with both norms carrying their scalar factors.
                    var pgr = GraftDirection(block, gb, graft, t, s1, out double sGr);
                    var ratio = Linalg.VectorNorm(pgr).MulInPlace(sGr * sSh).DivInPlace(Linalg.VectorNorm(pb).MulInPlace(sSh).AddInPlace(1e-16));
                    pb.MulInPlace(ratio);
                }
            }

            if (p is null) whole = pb;
            else block.Of(p).CopyInPlace(pb);
        }

        scale = grafted ? s1 * GraftScale(graft!, t) : graft is not null ? 1 : sSh;
        var result = (p ?? whole!).Reshape(layout.Shape);
        return result.IsSameAs(g) || (_m is not null && result.IsSameAs(_m)) ? result.Clone() : result;
    }

    private static double GraftScale(GraftingConfig graft, long t) => graft.HasSecondMoment ? Math.Sqrt(graft.BiasCorrection(t)) : 1;

    /// <summary>P_gr = scale·(returned): Ḡ/(√(V/bc) + ε) = s1·√bc·gbar/(√V + ε√bc); SGD: s1·gbar.</summary>
    private Tensor GraftDirection(ShampooBlock block, Tensor gb, GraftingConfig graft, long t, double s1, out double scale)
    {
        scale = s1 * GraftScale(graft, t);
        if (!graft.HasSecondMoment) return gb;
        var denom = block.Of(_v!).Sqrt().AddInPlace(graft.Epsilon * Math.Sqrt(graft.BiasCorrection(t)));
        return gb.Div(denom);
    }

    public override void Dispose()
    {
        _m?.Dispose();
        _v?.Dispose();
        Preconditioner.Dispose();
    }
}
