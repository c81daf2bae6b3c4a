using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// Eigenvalue-corrected Shampoo (EShampoo; purified Shampoo with an adaptive refresh): each factor's matrix is an
/// eigenbasis Q_k of F_k/bc2 + εI, refreshed as <see cref="ShampooConfig.Eigendecomposition"/> says (eigh, or warm-started
/// QR with the ‖B − diag B‖_F ≤ τ‖B‖_F skip test), and an Adam-style second moment D is kept in the rotated
/// coordinates: P = Q·[QᵀḠQ / (√(D/bc2) + ε)]·Qᵀ.
/// </summary>
internal sealed class EigenvalueCorrectedPreconditioner : IKroneckerPreconditioner
{
    private readonly ShampooConfig _c;
    private readonly Tensor _d; // corrected eigenvalues D (merged shape)

    public EigenvalueCorrectedPreconditioner(KroneckerBlocks layout, ShampooConfig config, DType dtype)
    {
        Layout = layout;
        _c = config;
        _d = DisposeScope.Detach(Tensor.Zeros(layout.MergedShape, dtype));
    }

    /// <inheritdoc/>
    public KroneckerBlocks Layout { get; }

    /// <inheritdoc/>
    public void Accumulate(Tensor merged) => Layout.Accumulate(merged, _c.Beta2, _c.FactorWeight);

    /// <inheritdoc/>
    public void Refresh(KroneckerFactor factor, long t)
    {
        using var scope = new DisposeScope();
        factor.Checks++;
        var a = factor.Accumulator.Div(_c.FactorBiasCorrection(t));
        if (_c.Epsilon != 0) Linalg.Diagonal(a).AddInPlace(_c.Epsilon);
        var r = MatrixFunction.Eigendecompose(a, _c.Eigendecomposition, factor.Matrix);
        if (!double.IsNaN(r.Criterion)) factor.LastCriterion = r.Criterion;
        factor.QrIterations += r.Iterations;
        if (r.Recomputed)
        {
            factor.Matrix.CopyInPlace(r.Eigenvectors);
            factor.HasMatrix = true;
            factor.Refreshes++;
        }
    }

    /// <summary>
    /// <see cref="Refresh"/> of every job whose factor belongs to an eigenvalue-corrected preconditioner refreshed by plain
    /// eigh (no criterion), in one native call (<see cref="FusedSteps.EighRefreshInPlace"/>: the same ATen calls per
    /// factor, the factors dealt to the intra-op threads when they can be evenly), with the counters
    /// <see cref="Refresh"/> keeps. Returns per job whether it was done; a job left undone (another method, a
    /// non-finite statistic, LAPACK failing) is untouched and uncounted, for the caller's one-factor path to run.
    /// </summary>
    internal static bool[] RefreshAll(IReadOnlyList<FactorRefresh> jobs, long t)
    {
        var done = new bool[jobs.Count];
        var index = new List<int>();
        var statistics = new List<Tensor>();
        var bases = new List<Tensor>();
        var divisors = new List<double>();
        var eps = new List<double>();
        for (int i = 0; i < jobs.Count; i++)
        {
            if (jobs[i].State is not ShampooParameterState { Preconditioner: EigenvalueCorrectedPreconditioner ec }) continue;
            if (ec._c.Eigendecomposition is not { Method: EigendecompositionMethod.Eigh, Tolerance: 0.0 }) continue;
            index.Add(i);
            statistics.Add(jobs[i].Factor.Accumulator);
            bases.Add(jobs[i].Factor.Matrix);
            divisors.Add(ec._c.FactorBiasCorrection(t));
            eps.Add(ec._c.Epsilon);
        }

        if (index.Count == 0) return done;
        var refreshed = FusedSteps.EighRefreshInPlace(statistics, bases, divisors, eps);
        for (int j = 0; j < index.Count; j++)
        {
            if (!refreshed[j]) continue;
            var factor = jobs[index[j]].Factor;
            factor.Checks++;
            factor.HasMatrix = true;
            factor.Refreshes++;
            done[index[j]] = true;
        }

        return done;
    }

    /// <inheritdoc/>
    public Tensor Precondition(ShampooBlock block, Tensor filtered, Tensor raw, long t)
    {
        // D ← β2·D + w·(QᵀGQ)², then Q·[QᵀḠQ / (√D + ε√bc2)]·Qᵀ; the remaining √bc2 is in Scale. The update of D, its root
        // and the division are one native pass (five reads and writes per element instead of twelve); each rotated
        // temporary is released as soon as it is used.
        var x = KroneckerBlocks.Rotate(filtered, block.Factors, transpose: false);
        using (var rotated = KroneckerBlocks.Rotate(raw, block.Factors, transpose: false))
        {
            FusedSteps.SecondMomentDivideInPlace(block.Of(_d), rotated, x, _c.Beta2, _c.FactorWeight, _c.Epsilon * Math.Sqrt(_c.FactorBiasCorrection(t)));
        }

        var result = KroneckerBlocks.Rotate(x, block.Factors, transpose: true);
        x.Dispose();
        return result;
    }

    /// <summary>
    /// True when <paramref name="block"/> can take <see cref="PreconditionMany"/>: a whole 2-D block whose two bases have
    /// been computed (before the first refresh the rotations are copies, which the block-by-block path makes).
    /// </summary>
    public static bool IsBatchable(ShampooBlock block) =>
        block.IsWhole && block.Factors is [{ HasMatrix: true }, { HasMatrix: true }];

    /// <summary>
    /// <see cref="Precondition"/> of many batchable blocks (<see cref="IsBatchable"/>), of any parameters, in one native call
    /// (<see cref="FusedSteps.EigenvalueCorrectedDirections"/>: the same ATen calls per block, the blocks dealt to the
    /// intra-op threads when they can be evenly). Returns each block's direction, keyed by block.
    /// </summary>
    /// <param name="jobs">Per block: its preconditioner, the block, and the (whole) filtered and raw gradients.</param>
    /// <param name="t">The step.</param>
    public static Dictionary<ShampooBlock, Tensor> PreconditionMany(IReadOnlyList<(EigenvalueCorrectedPreconditioner Preconditioner, ShampooBlock Block, Tensor Filtered, Tensor Raw)> jobs, long t)
    {
        int n = jobs.Count;
        var filtered = new Tensor[n];
        var raw = new Tensor[n];
        var d = new Tensor[n];
        var left = new Tensor[n];
        var right = new Tensor[n];
        var beta2 = new double[n];
        var weight = new double[n];
        var eps = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (pre, block, f, g) = jobs[i];
            filtered[i] = f;
            raw[i] = g;
            d[i] = block.Of(pre._d);
            left[i] = block.Factors[0]!.Matrix;
            right[i] = block.Factors[1]!.Matrix;
            beta2[i] = pre._c.Beta2;
            weight[i] = pre._c.FactorWeight;
            eps[i] = pre._c.Epsilon * Math.Sqrt(pre._c.FactorBiasCorrection(t));
        }

        var directions = FusedSteps.EigenvalueCorrectedDirections(filtered, raw, d, left, right, beta2, weight, eps);
        var result = new Dictionary<ShampooBlock, Tensor>(n);
        for (int i = 0; i < n; i++) result[jobs[i].Block] = directions[i];
        return result;
    }

    /// <inheritdoc/>
    public double Scale(long t) => Math.Sqrt(_c.FactorBiasCorrection(t));

    /// <inheritdoc/>
    public IEnumerable<(string Name, Tensor Tensor)> StateTensors() => [("d", _d)];

    /// <inheritdoc/>
    public void Dispose()
    {
        _d.Dispose();
        Layout.Dispose();
    }
}
