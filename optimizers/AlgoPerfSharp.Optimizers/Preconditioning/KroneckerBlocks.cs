using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The block layout of one parameter and its Kronecker factors: the gradient (parameter shape) is viewed as the merged
/// shape (m1, …, mk), cut into blocks, and every block keeps one d×d factor per preconditioned dim. Shared by every
/// Shampoo-family transform: the factor statistics (<see cref="Accumulate"/>) and the basis changes
/// (<see cref="Rotate"/>) are the same for the root-inverse, eigenvalue-corrected and SOAP methods. Owns the factors.
/// </summary>
internal sealed class KroneckerBlocks : IDisposable
{
    /// <summary>Lays out <paramref name="parameter"/>.</summary>
    /// <param name="parameter">The parameter (its name labels the factors' diagnostics).</param>
    /// <param name="merged">The merged shape (see <see cref="ShampooBlocking.MergeDims"/>), or the parameter's shape.</param>
    /// <param name="maxDim">Largest preconditioned dim; also the block size when <paramref name="blockLarge"/>.</param>
    /// <param name="blockLarge">Cut dims larger than <paramref name="maxDim"/> into blocks; otherwise leave them unpreconditioned.</param>
    /// <param name="precondition">False: no factors at all (vectors without 1-D preconditioning, or preconditioning never starts).</param>
    public KroneckerBlocks(ModelParameter parameter, long[] merged, int maxDim, bool blockLarge, bool precondition)
    {
        Name = parameter.Name;
        Shape = parameter.Tensor.Shape;
        MergedShape = merged;
        Blocks = Build(parameter.Tensor.DType, maxDim, blockLarge, precondition);
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>The parameter's shape.</summary>
    public long[] Shape { get; }

    /// <summary>The merged shape the gradient is viewed as.</summary>
    public long[] MergedShape { get; }

    /// <summary>The blocks, in row-major order of their offsets.</summary>
    public IReadOnlyList<ShampooBlock> Blocks { get; }

    /// <summary>Every factor, block by block and dim by dim (the checkpoint order).</summary>
    public IEnumerable<KroneckerFactor> Factors => Blocks.SelectMany(b => b.Factors).OfType<KroneckerFactor>();

    private ShampooBlock[] Build(DType dtype, int maxDim, bool blockLarge, bool precondition)
    {
        int order = MergedShape.Length;
        var splits = MergedShape.Select(d => blockLarge ? ShampooBlocking.Split(d, maxDim) : [(0L, d)]).ToArray();
        var blocks = new List<ShampooBlock>();
        var index = new int[order];
        while (true)
        {
            var offsets = new long[order];
            var sizes = new long[order];
            for (int d = 0; d < order; d++) (offsets[d], sizes[d]) = splits[d][index[d]];
            var factors = new KroneckerFactor?[order];
            for (int d = 0; d < order; d++)
            {
                if (precondition && sizes[d] <= maxDim && sizes[d] > 0)
                {
                    string dimName = order <= 2 ? (d == 0 ? "L" : "R") : $"d{d}";
                    factors[d] = new KroneckerFactor(sizes[d], dtype, $"factor/{Name}/{blocks.Count}/{dimName}");
                }
            }

            blocks.Add(new ShampooBlock(offsets, sizes, MergedShape, factors));
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

    /// <summary>
    /// F_k ← β·F_k + w·contract(B, B, all dims but k) for every factor of every block of <paramref name="merged"/>.
    /// Each unfolding (a copy for k ≥ 1 of a tensor of order ≥ 3) is released as soon as its factor is updated.
    /// </summary>
    public void Accumulate(Tensor merged, double beta, double weight)
    {
        foreach (var block in Blocks)
        {
            var b = block.Of(merged);
            for (int k = 0; k < block.Factors.Length; k++)
            {
                if (block.Factors[k] is not { } f) continue;
                using var mat = Unfold(b, k);
                f.Accumulator.AddSymmetricRankKInPlace(mat, beta, weight); // one triangle of mat·matᵀ (BLAS syrk), mirrored
            }
        }
    }

    /// <summary>
    /// <see cref="Accumulate"/> of many parameters in one native call (<see cref="FusedSteps.SymmetricRankKManyInPlace"/>):
    /// every factor update of every block of each (layout, merged gradient, β, w), the same syrk or GEMM per factor, dealt
    /// to the intra-op threads when they balance. The unfoldings (copies for k ≥ 1 of blocks of order ≥ 3) live until the
    /// call returns.
    /// </summary>
    public static void AccumulateAll(IReadOnlyList<(KroneckerBlocks Layout, Tensor Merged, double Beta, double Weight)> jobs)
    {
        var targets = new List<Tensor>();
        var unfoldings = new List<Tensor>();
        var betas = new List<double>();
        var weights = new List<double>();
        try
        {
            foreach (var (layout, merged, beta, weight) in jobs)
            {
                foreach (var block in layout.Blocks)
                {
                    var b = block.Of(merged);
                    for (int k = 0; k < block.Factors.Length; k++)
                    {
                        if (block.Factors[k] is not { } f) continue;
                        targets.Add(f.Accumulator);
                        unfoldings.Add(Unfold(b, k));
                        betas.Add(beta);
                        weights.Add(weight);
                    }
                }
            }

            FusedSteps.SymmetricRankKManyInPlace(targets, unfoldings, betas, weights);
        }
        finally
        {
            foreach (var u in unfoldings) u.Dispose();
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
        using var permuted = b.Permute([.. perm]);
        return permuted.Reshape(dk, -1);
    }

    /// <summary>
    /// Applies each factor's matrix along its dim: with <paramref name="transpose"/> false, Y = X ×_k Mᵀ (Qᵀ·X for an
    /// eigenbasis, X·M for a symmetric root); with true, Y = X ×_k M (rotating back). Dims without a matrix are left as
    /// they are. Always returns a new tensor. Cost: 2·numel·d_k per applied dim. Each intermediate (one per dim) is
    /// released as soon as the next one exists, so a rotation holds at most two tensors of x's size at a time and
    /// reuses freshly freed (cache-warm) memory, as an eager PyTorch loop does.
    /// </summary>
    public static Tensor Rotate(Tensor x, KroneckerFactor?[] factors, bool transpose)
    {
        if (!factors.Any(f => f is { HasMatrix: true })) return x.Clone();
        var cur = x;
        for (int k = 0; k < factors.Length; k++)
        {
            long[] shape = cur.Shape;
            Tensor next;
            using (var rows = cur.Reshape(shape[0], -1))
            using (var flat = rows.T()) // (rest, d0)
            {
                if (factors[k] is { HasMatrix: true } f)
                {
                    if (transpose)
                    {
                        using var mt = f.Matrix.T();
                        next = flat.Mm(mt);
                    }
                    else
                    {
                        next = flat.Mm(f.Matrix);
                    }
                }
                else
                {
                    next = flat.Contiguous();
                }
            }

            if (!ReferenceEquals(cur, x)) cur.Dispose();
            cur = next.View([.. shape[1..], shape[0]]);
            next.Dispose(); // the view keeps the storage
        }

        return cur;
    }

    /// <summary>Disposes the factors.</summary>
    public void Dispose()
    {
        foreach (var f in Factors) f.Dispose();
    }
}
