using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The preconditioner of one parameter ("the preconditioner list computes"): its merged shape, blocks and factors,
/// the filtered gradient, grafting/corrected second moments and the momentum buffer, and the math of one step.
/// Shapes: g (param shape) is viewed as the merged shape (m1, ..., mk); blocks are views of it.
/// </summary>
internal sealed class ShampooPreconditioner : IDisposable
{
    private readonly ShampooConfig _c;
    private readonly long[] _merged;
    private readonly long[] _shape;
    private readonly Tensor? _m;        // filtered gradient (merged shape), β1 > 0
    private readonly Tensor? _v;        // grafting V or eigenvalue-corrected D / SOAP v (merged shape)
    private readonly Tensor? _momentum; // heavy-ball buffer (param shape)

    public ShampooPreconditioner(ModelParameter parameter, ShampooConfig config)
    {
        _c = config;
        Name = parameter.Name;
        var t = parameter.Tensor;
        _shape = t.Shape;
        var dtype = t.DType;
        _merged = config.MergeDims ? ShampooBlocking.MergeDims(_shape, config.MaxPreconditionerDim) : (_shape.Length == 0 ? [1] : _shape);
        Blocks = BuildBlocks(dtype);
        if (config.Beta1 > 0) _m = DisposeScope.Detach(Tensor.Zeros(_merged, dtype));
        if (config.Kind == PreconditionerKind.EigenvalueCorrected || config.Grafting is { HasSecondMoment: true })
        {
            _v = DisposeScope.Detach(Tensor.Zeros(_merged, dtype));
        }

        if (config.Momentum > 0) _momentum = DisposeScope.Detach(Tensor.Zeros(_shape, dtype));
    }

    public string Name { get; }

    /// <summary>This parameter's configuration.</summary>
    public ShampooConfig Config => _c;

    /// <summary>The merged shape the gradient is viewed as.</summary>
    public long[] MergedShape => _merged;

    public IReadOnlyList<ShampooBlock> Blocks { get; }

    public IEnumerable<KroneckerFactor> Factors => Blocks.SelectMany(b => b.Factors).OfType<KroneckerFactor>();

    /// <summary>All state tensors with stable names (for checkpoints).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        if (_m is not null) yield return ("m", _m);
        if (_v is not null) yield return ("v", _v);
        if (_momentum is not null) yield return ("momentum", _momentum);
        int i = 0;
        foreach (var f in Factors)
        {
            yield return ($"f{i}.acc", f.Accumulator);
            yield return ($"f{i}.mat", f.Matrix);
            i++;
        }
    }

    private ShampooBlock[] BuildBlocks(DType dtype)
    {
        int order = _merged.Length;
        bool isVector = _shape.Length <= 1;
        var splits = _merged.Select(d => _c.BlockLargeDimensions ? ShampooBlocking.Split(d, _c.MaxPreconditionerDim) : [(0L, d)]).ToArray();
        var blocks = new List<ShampooBlock>();
        var index = new int[order];
        while (true)
        {
            var offsets = new long[order];
            var sizes = new long[order];
            for (int d = 0; d < order; d++) (offsets[d], sizes[d]) = splits[d][index[d]];
            var factors = new KroneckerFactor?[order];
            // No factors at all when preconditioning never starts (S = ∞): nothing would ever read them.
            bool precondition = !(isVector && !_c.Precondition1D) && _c.StartPreconditioningStep != long.MaxValue;
            for (int d = 0; d < order; d++)
            {
                bool tooLarge = sizes[d] > _c.MaxPreconditionerDim;
                if (precondition && !tooLarge && sizes[d] > 0)
                {
                    string dimName = order <= 2 ? (d == 0 ? "L" : "R") : $"d{d}";
                    factors[d] = new KroneckerFactor(sizes[d], dtype, $"factor/{Name}/{blocks.Count}/{dimName}");
                }
            }

            blocks.Add(new ShampooBlock(offsets, sizes, _merged, factors));
            int k = order - 1;
            while (k >= 0 && ++index[k] == splits[k].Count)
            {
                index[k] = 0;
                k--;
            }

            if (k < 0) break;
        }

        return [.. blocks];
    }

    /// <summary>F_k ← β·F_k + w·contract(B, B, all dims but k) for every factor of every block.</summary>
    public void AccumulateFactors(Tensor merged, double beta, double weight)
    {
        foreach (var block in Blocks)
        {
            var b = block.Of(merged);
            for (int k = 0; k < block.Factors.Length; k++)
            {
                if (block.Factors[k] is not { } f) continue;
                var mat = Unfold(b, k);
                f.Accumulator.AddMmInPlace(mat, mat.T(), beta, weight);
            }
        }
    }

    /// <summary>The mode-k unfolding (d_k, rest) of a block (a view for k = 0 of a contiguous block, and for k = 1 of a matrix).</summary>
    private static Tensor Unfold(Tensor b, int k)
    {
        long dk = b.Shape[k];
        if (k == 0) return b.Reshape(dk, -1);
        if (b.Dim == 2) return b.T();
        var perm = Enumerable.Range(0, b.Dim).Select(i => (long)i).ToList();
        perm.RemoveAt(k);
        perm.Insert(0, k);
        return b.Permute([.. perm]).Reshape(dk, -1);
    }

    /// <summary>
    /// Applies each factor's matrix along its dim: with <paramref name="transpose"/> false, Y = X ×_k Mᵀ (Qᵀ·X for an
    /// eigenbasis, X·M for a symmetric root); with true, Y = X ×_k M (rotating back). Dims without a matrix are left as
    /// they are. Always returns a new tensor. Cost: 2·numel·d_k per applied dim.
    /// </summary>
    private static Tensor Rotate(Tensor x, KroneckerFactor?[] factors, bool transpose)
    {
        if (!factors.Any(f => f is { HasMatrix: true })) return x.Clone();
        var cur = x;
        for (int k = 0; k < factors.Length; k++)
        {
            long[] shape = cur.Shape;
            var flat = cur.Reshape(shape[0], -1).T(); // (rest, d0)
            var next = factors[k] is { HasMatrix: true } f ? flat.Mm(transpose ? f.Matrix.T() : f.Matrix) : flat.Contiguous();
            cur = next.View([.. shape[1..], shape[0]]);
        }

        return cur;
    }

    /// <summary>
    /// One facebookresearch-semantics step up to the final direction P = <paramref name="scale"/>·(returned tensor)
    /// (param shape; a new tensor): grafting and corrected second moments, filtered gradient, per-block preconditioning
    /// and grafting. Bias corrections are scalars folded into <paramref name="scale"/> (√(V/bc) + ε = (√V + ε√bc)/√bc)
    /// to save elementwise passes. Factors must have been accumulated and refreshed by the caller first.
    /// <paramref name="g"/> is the (L2-augmented) merged gradient.
    /// </summary>
    public Tensor Direction(Tensor g, long t, out double scale)
    {
        var c = _c;
        bool ec = c.Kind == PreconditionerKind.EigenvalueCorrected;
        double bc2 = c.UseBiasCorrection && c.Beta2 < 1 ? 1 - Math.Pow(c.Beta2, t) : 1;
        double w2 = c.Beta2 < 1 ? 1 - c.Beta2 : 1;
        var graft = c.Grafting;
        if (graft is { HasSecondMoment: true }) _v!.MulInPlace(graft.Beta2).AddCMulInPlace(g, g, graft.SquareWeight);

        // Ḡ = s1·gbar with gbar = β3·M_{t−1} + (1−β3)·G (= M_t when β3 = β1) and s1 = 1/(1 − β3·β1^{t−1}).
        Tensor gbar = g;
        double s1 = 1;
        if (_m is not null)
        {
            Tensor? nesterov = c.Beta3 != c.Beta1 ? _m.Lerp(g, 1 - c.Beta3) : null;
            _m.LerpInPlace(g, 1 - c.Beta1);
            gbar = nesterov ?? _m;
            if (c.UseBiasCorrection) s1 = 1 / (1 - (c.Beta3 * Math.Pow(c.Beta1, t - 1)));
        }

        bool grafted = graft is not null && t < c.StartPreconditioningStep;
        double sSh = ec ? s1 * Math.Sqrt(bc2) : s1; // P_sh = sSh·(computed)
        var p = Blocks.Count == 1 ? null : Tensor.Empty(_merged, g.DType);
        Tensor? whole = null;
        foreach (var block in Blocks)
        {
            var gb = block.Of(gbar);
            Tensor pb;
            if (grafted)
            {
                pb = GraftDirection(block, gb, graft!, t, s1, out scale);
            }
            else
            {
                if (ec)
                {
                    var rotated = Rotate(block.Of(g), block.Factors, transpose: false);
                    var d = block.Of(_v!);
                    d.MulInPlace(c.Beta2).AddCMulInPlace(rotated, rotated, w2);
                    var denom = d.Sqrt().AddInPlace(c.Epsilon * Math.Sqrt(bc2));
                    pb = Rotate(Rotate(gb, block.Factors, transpose: false).DivInPlace(denom), block.Factors, transpose: true);
                }
                else
                {
                    pb = Rotate(gb, block.Factors, transpose: false);
                }

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
        var result = (p ?? whole!).Reshape(_shape);
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

    /// <summary>
    /// W ← W − η·(scale·P + λW) (decoupled decay on the pre-step W, as W·(1 − ηλ) − η·scale·P), with heavy-ball momentum
    /// on scale·P + λW when configured (facebookresearch order).
    /// </summary>
    public void Apply(Tensor weight, Tensor p, double scale, double lr)
    {
        double wd = _c.WeightDecay > 0 && _c.WeightDecayType == WeightDecayType.Decoupled ? _c.WeightDecay : 0;
        if (_momentum is null)
        {
            if (wd > 0) weight.MulInPlace(1 - (lr * wd));
            weight.AddInPlace(p, -lr * scale);
            return;
        }

        if (scale != 1) p.MulInPlace(scale);
        if (wd > 0) p.AddInPlace(weight, wd);
        _momentum.MulInPlace(_c.Momentum).AddInPlace(p);
        if (_c.Nesterov) p.AddInPlace(_momentum, _c.Momentum);
        else p.CopyInPlace(_momentum);
        weight.AddInPlace(p, -lr);
    }

    /// <summary>The amortized computation for one factor (root inverse, or eigenbasis refresh); may throw on failure.</summary>
    public void Refresh(KroneckerFactor f, int order, long t)
    {
        var c = _c;
        double bc2 = c.UseBiasCorrection && c.Beta2 < 1 ? 1 - Math.Pow(c.Beta2, t) : 1;
        using var scope = new DisposeScope();
        f.Checks++;
        var a = f.Accumulator.Div(bc2);
        if (c.Kind == PreconditionerKind.RootInverse)
        {
            var x = MatrixFunction.InverseRoot(a, 2.0 * Math.Max(order, 1), new InverseRootConfig(c.Epsilon, c.Eigendecomposition.RetryFloat64));
            f.Matrix.CopyInPlace(x);
            f.HasMatrix = true;
            f.Refreshes++;
            return;
        }

        if (c.Epsilon != 0) Linalg.Diagonal(a).AddInPlace(c.Epsilon);
        var r = MatrixFunction.Eigendecompose(a, c.Eigendecomposition, f.Matrix);
        if (!double.IsNaN(r.Criterion)) f.LastCriterion = r.Criterion;
        f.QrIterations += r.Iterations;
        if (r.Recomputed)
        {
            f.Matrix.CopyInPlace(r.Eigenvectors);
            f.HasMatrix = true;
            f.Refreshes++;
        }
    }

    // ---- SOAP (nikhilvyas/SOAP semantics) ---------------------------------------------------------------------------

    /// <summary>SOAP's first call: F_k = (1 − β_sh)·contract(G1), Q_k = eigenvectors in descending order. No update.</summary>
    public void SoapInitialize(Tensor g)
    {
        AccumulateFactors(g, 0, 1 - _c.ShampooBeta);
        foreach (var f in Factors)
        {
            using var scope = new DisposeScope();
            f.Checks++;
            f.Matrix.CopyInPlace(MatrixFunction.EigenvectorsDescending(f.Accumulator, _c.Eigendecomposition.RetryFloat64));
            f.HasMatrix = true;
            f.Refreshes++;
        }
    }

    /// <summary>
    /// SOAP's step t ≥ 1 (after the skipped first call): Adam in the eigenbasis with η_t = η√(1−β2ᵗ)/(1−β1ᵗ), decay
    /// W ← W − ηλW after the step, then the factor EMA and, every F steps, power iteration + QR with v permuted.
    /// </summary>
    public void SoapStep(Tensor g, Tensor weight, double lr, long t)
    {
        var c = _c;
        foreach (var block in Blocks)
        {
            var rotated = Rotate(block.Of(g), block.Factors, transpose: false);
            block.Of(_v!).MulInPlace(c.Beta2).AddCMulInPlace(rotated, rotated, 1 - c.Beta2);
        }

        if (_m is not null) _m.LerpInPlace(g, 1 - c.Beta1);
        var mom = _m ?? g;
        var u = Blocks.Count == 1 ? null : Tensor.Empty(_merged, g.DType);
        Tensor? whole = null;
        foreach (var block in Blocks)
        {
            var num = Rotate(block.Of(mom), block.Factors, transpose: false);
            var denom = block.Of(_v!).Sqrt().AddInPlace(c.Epsilon);
            var ub = Rotate(num.DivInPlace(denom), block.Factors, transpose: true);
            if (u is null) whole = ub;
            else block.Of(u).CopyInPlace(ub);
        }

        double stepSize = lr;
        if (c.UseBiasCorrection) stepSize = lr * Math.Sqrt(1 - Math.Pow(c.Beta2, t)) / (1 - Math.Pow(c.Beta1, t));
        weight.AddInPlace((u ?? whole!).Reshape(_shape), -stepSize);
        if (c.WeightDecay > 0) weight.MulInPlace(1 - (lr * c.WeightDecay));

        AccumulateFactors(g, c.ShampooBeta, 1 - c.ShampooBeta);
    }

    /// <summary>SOAP's refresh of one factor: Q ← qr(F·Q[:, order]).Q with v permuted along the same dim.</summary>
    public void SoapRefresh(ShampooBlock block, int k)
    {
        var f = block.Factors[k]!;
        using var scope = new DisposeScope();
        f.Checks++;
        var (q, order) = MatrixFunction.SoapRefresh(f.Accumulator, f.Matrix);
        var v = block.Of(_v!);
        using var index = Tensor.From<long>(order);
        v.CopyInPlace(v.IndexSelect(k, index));
        f.Matrix.CopyInPlace(q);
        f.Refreshes++;
    }

    public void Dispose()
    {
        _m?.Dispose();
        _v?.Dispose();
        _momentum?.Dispose();
        foreach (var f in Factors) f.Dispose();
    }
}
