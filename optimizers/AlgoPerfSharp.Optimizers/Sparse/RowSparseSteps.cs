using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Sparse;

/// <summary>
/// Updates of an embedding table from its sparse gradient (<see cref="Tensor.IsSparse"/>, one sparse dim: the rows
/// looked up in the step), touching only those rows — for algorithms that declare
/// <see cref="Contracts.ITrainingAlgorithm.AcceptsSparseGradients"/>. No built-in algorithm uses them, because none
/// would then compute its own dense update: <see cref="Sgd"/> reproduces plain SGD (no momentum, no weight decay) bit
/// for bit, but momentum, weight decay and Adam's moments all move rows absent from the step under the dense rule.
/// <see cref="LazyAdam"/> is PyTorch's <c>SparseAdam</c> rule ("lazy" Adam) with decoupled weight decay: a different
/// algorithm from dense AdamW, equal to it only on steps where every row is present.
/// Every method works in place under no-grad on tensors the caller owns; temporaries go to the current DisposeScope.
/// </summary>
public static class RowSparseSteps
{
    /// <summary>
    /// w[r] ← w[r] − lr·g[r] on the rows r present in <paramref name="gradient"/> (repeats summed); other rows
    /// untouched. Equal bit for bit to the dense step w ← w − lr·dense(g), which leaves absent rows at w − lr·0 = w:
    /// both evaluate the same elementwise add on the same operands.
    /// </summary>
    /// <param name="parameter">(V, D) table, updated in place.</param>
    /// <param name="gradient">Sparse (V, D) gradient.</param>
    /// <param name="lr">Learning rate.</param>
    public static void Sgd(Tensor parameter, Tensor gradient, double lr)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var (rows, g) = Rows(parameter, gradient);
        using var noGrad = Autograd.NoGrad();
        parameter.IndexPutInPlace(rows, parameter.IndexSelect(0, rows).Add(g, -lr));
    }

    /// <summary>
    /// Lazy Adam at step <paramref name="step"/> (1-based) on the rows r present in <paramref name="gradient"/>:
    /// m[r] ← β₁m[r] + (1 − β₁)g[r]; v[r] ← β₂v[r] + (1 − β₂)g[r]²;
    /// w[r] ← w[r] − lr·(m[r]/(1 − β₁ᵗ) / (√(v[r]/(1 − β₂ᵗ)) + ε) + λ·w[r]). Rows absent from the step keep w, m and v
    /// exactly, where dense AdamW would decay m and v and still move w by lr·m̂/(√v̂ + ε) + lr·λ·w.
    /// </summary>
    /// <param name="parameter">(V, D) table, updated in place.</param>
    /// <param name="gradient">Sparse (V, D) gradient.</param>
    /// <param name="expAvg">m (V, D), updated in place.</param>
    /// <param name="expAvgSq">v (V, D), updated in place.</param>
    /// <param name="step">t ≥ 1, counted over all steps (not per row), as PyTorch's SparseAdam.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="eps">ε &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0, decoupled, applied to the present rows only.</param>
    public static void LazyAdam(Tensor parameter, Tensor gradient, Tensor expAvg, Tensor expAvgSq, long step, double lr,
        double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(expAvg);
        ArgumentNullException.ThrowIfNull(expAvgSq);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(eps > 0)) throw new ArgumentException($"eps must be > 0 (got {eps})", nameof(eps));
        if (!(weightDecay >= 0)) throw new ArgumentException($"weight_decay must be ≥ 0 (got {weightDecay})", nameof(weightDecay));
        var (rows, g) = Rows(parameter, gradient);
        using var noGrad = Autograd.NoGrad();
        var w = parameter.IndexSelect(0, rows);                                         // (nnz, D)
        var m = expAvg.IndexSelect(0, rows).Mul(beta1).Add(g, 1 - beta1);
        var v = expAvgSq.IndexSelect(0, rows).Mul(beta2).AddCMul(g, g, 1 - beta2);
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        var direction = m.Div(bc1).Div(v.Div(bc2).Sqrt().Add(eps));
        if (weightDecay != 0) direction = direction.Add(w, weightDecay);
        expAvg.IndexPutInPlace(rows, m);
        expAvgSq.IndexPutInPlace(rows, v);
        parameter.IndexPutInPlace(rows, w.Sub(direction, lr));
    }

    private static (Tensor Rows, Tensor Values) Rows(Tensor parameter, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (!gradient.IsSparse) throw new ArgumentException("the gradient is dense; RowSparseSteps needs a sparse one (embedding lookups with sparse gradients)", nameof(gradient));
        if (!gradient.Shape.SequenceEqual(parameter.Shape))
        {
            throw new ArgumentException($"the gradient's shape [{string.Join(", ", gradient.Shape)}] differs from the parameter's [{string.Join(", ", parameter.Shape)}]", nameof(gradient));
        }

        return gradient.SparseRows();
    }
}
