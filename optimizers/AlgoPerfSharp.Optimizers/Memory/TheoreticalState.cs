using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Preconditioning;

namespace AlgoPerfSharp.Optimizers.Memory;

/// <summary>
/// The theoretical optimizer state of every built-in algorithm, as a function of the parameter shapes and the
/// hyperparameters (the trial's point, else the declared defaults): what each method must keep between steps by its
/// documented algorithm, in units of P (parameters) plus its matrix-factor terms. State tensors take the parameter's
/// dtype, so bytes = elements × its element size. Step counters and other scalars are not counted; nor is anything that
/// lives only inside one step (Sophia's sampled-label gradient, the cross-fitted B sample, L-BFGS's line-search point).
/// <see cref="StateSize.Measure"/> gives the measured counterpart from a checkpoint; the optimizer tests hold every
/// built-in's measured state within 10 % of this formula.
/// </summary>
/// <remarks>
/// The table (b = max_preconditioner_dim; d a preconditioned side; P_mat the hidden matrices Muon/ASGO/DASGO route to
/// their own step, P_other the rest):
/// <code>
/// adamw, nadamw, cf_adamw   2P                     m, v
/// sgd_nesterov              P                      momentum
/// sophia_g, sophia_h        2P                     m, h (diagonal-Hessian EMA)
/// schedule_free_adamw       3P                     z, x (average), v
/// muon                      P_mat + 2·P_other      momentum; Adam m, v
/// asgo                      P_mat + Σ min(m,n)² + 2·P_other   momentum, Gram EMA of the smaller side; Adam m, v
/// dasgo                     P_mat + Σ n + 2·P_other           momentum, column second moment; Adam m, v
/// shampoo                   P + P + Σ_blocks Σ_d 2d²           filtered gradient M, grafting V, statistic + inverse root per factor
/// ec_shampoo, purified      P + P + Σ_blocks Σ_d 2d²           M, corrected eigenvalues D, statistic + eigenbasis per factor
/// soap                      2P + Σ_{≥2-D} Σ_{d ≤ b} 2d²        m, rotated v, statistic + eigenbasis per factor
/// pb_lbfgs                  2·memory·P             the curvature pairs (s, y) once the memory is full
/// cf_shampoo                P + Σ_mat 2(d1² + d2²) + P_other   M; L, R, P_L, P_R per matrix; Adam v for the rest
/// </code>
/// Shampoo-family blocking is facebookresearch's: dims merged from the last while the product stays ≤ b
/// (<see cref="ShampooBlocking.MergeDims"/>), each merged dim cut into chunks of b, one d×d factor per chunk side,
/// vectors included; a parameter with a dimension ≥ 10⁶ takes Adam (m, v) instead.
/// </remarks>
public static class TheoreticalState
{
    /// <summary>
    /// The theoretical state of <paramref name="algorithm"/> on <paramref name="parameters"/> at
    /// <paramref name="hyperparameters"/> (missing keys take the declared defaults), or null for an algorithm this table
    /// does not know (plugins).
    /// </summary>
    /// <exception cref="ArgumentException">A hyperparameter the formula reads is out of range.</exception>
    public static StateSize? Of(ITrainingAlgorithm algorithm, IReadOnlyList<ParameterShape> parameters, Hyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var h = new HyperparameterReader(hyperparameters, algorithm.Declared);
        return algorithm switch
        {
            AdamW or NAdamW or CrossFitAdamW => PerParameter(parameters, "2P (m, v)", "m (first moment)", "v (second moment)"),
            SgdNesterov => PerParameter(parameters, "P (momentum)", "momentum"),
            SophiaAlgorithm => PerParameter(parameters, "2P (m, h)", "m (momentum)", "h (diagonal-Hessian EMA)"),
            ScheduleFreeAdamW => PerParameter(parameters, "3P (z, x, v)", "z (base iterate)", "x (average)", "v (second moment)"),
            Muon => Partitioned(parameters, "P_mat (momentum) + 2·P_other (Adam m, v)", (_, _) => { }),
            Asgo => Partitioned(parameters, "P_mat (momentum) + Σ_mat min(rows, cols)² (Gram EMA) + 2·P_other (Adam m, v)", (p, t) =>
            {
                var (rows, cols) = MatrixView(p);
                long k = Math.Min(rows, cols);
                t.Add("Gram EMA (min side)", k * k, p.ElementSize);
            }),
            Dasgo => Partitioned(parameters, "P_mat (momentum) + Σ_mat cols (column second moment) + 2·P_other (Adam m, v)", (p, t) =>
                t.Add("column second moment", MatrixView(p).Cols, p.ElementSize)),
            Shampoo => ShampooFamily(parameters, h, eigenvalueCorrected: false),
            EcShampoo or PurifiedShampoo => ShampooFamily(parameters, h, eigenvalueCorrected: true),
            Soap => SoapState(parameters, h),
            ProgressiveBatchingLbfgs => Lbfgs(parameters, h.PositiveInt("memory")),
            CrossFitShampoo => CrossFitShampooState(parameters, h.PositiveInt("max_preconditioner_dim")),
            _ => null,
        };
    }

    /// <summary>Every parameter keeps one tensor of its own size per name.</summary>
    private static StateSize PerParameter(IReadOnlyList<ParameterShape> parameters, string formula, params string[] names)
    {
        var t = new TermList();
        foreach (string name in names)
        {
            foreach (var p in parameters) t.Add(name, p.Elements, p.ElementSize);
        }

        return t.Build(formula);
    }

    /// <summary>
    /// Muon, ASGO and DASGO: hidden matrices (<see cref="ParameterTypeExtensions.IsHiddenMatrix"/>, ≥ 2 dims) keep a
    /// momentum plus <paramref name="matrixExtra"/>; every other parameter keeps Adam's m and v.
    /// </summary>
    private static StateSize Partitioned(IReadOnlyList<ParameterShape> parameters, string formula, Action<ParameterShape, TermList> matrixExtra)
    {
        var t = new TermList();
        foreach (var p in parameters.Where(TakesMatrixStep)) t.Add("momentum (matrices)", p.Elements, p.ElementSize);
        foreach (var p in parameters.Where(TakesMatrixStep)) matrixExtra(p, t);
        foreach (var p in parameters.Where(q => !TakesMatrixStep(q)))
        {
            t.Add("Adam m (other parameters)", p.Elements, p.ElementSize);
            t.Add("Adam v (other parameters)", p.Elements, p.ElementSize);
        }

        return t.Build(formula);
    }

    private static bool TakesMatrixStep(ParameterShape p) => p.Type.IsHiddenMatrix() && p.Shape.Count >= 2;

    /// <summary>(shape[0], product of the rest): conv kernels become (out, in·kh·kw).</summary>
    private static (long Rows, long Cols) MatrixView(ParameterShape p) => (p.Shape[0], p.Shape.Skip(1).Aggregate(1L, (a, d) => checked(a * d)));

    /// <summary>
    /// Shampoo (root inverse, grafted) or its eigenvalue-corrected forms: per parameter the filtered gradient M (β1 &gt; 0),
    /// the grafting second moment V (adam, rmsprop, adagrad; Shampoo only) or the corrected eigenvalues D (EC), and per
    /// block per preconditioned side d a d×d statistic plus its d×d matrix (inverse root or eigenbasis) — none when
    /// preconditioning never starts. A parameter with a dimension ≥ 10⁶ takes Adam: M and V only.
    /// </summary>
    private static StateSize ShampooFamily(IReadOnlyList<ParameterShape> parameters, HyperparameterReader h, bool eigenvalueCorrected)
    {
        double beta1 = h.Beta("beta1");
        int b = h.PositiveInt("max_preconditioner_dim");
        bool never = ShampooHyperparameters.StartStep(h) == long.MaxValue;
        bool grafted = !eigenvalueCorrected && h.GetString("grafting") is "adam" or "rmsprop" or "adagrad";
        string matrix = eigenvalueCorrected ? "eigenbases" : "inverse roots";
        string moments = (beta1 > 0 ? "P (filtered gradient M) + " : "") + (eigenvalueCorrected ? "P (corrected eigenvalues D)" : grafted ? "P (grafting V)" : "0 (no grafting)");
        string factors = never ? "" : string.Create(CultureInfo.InvariantCulture,
            $" + Σ_blocks Σ_sides 2d² (statistic + {(eigenvalueCorrected ? "eigenbasis" : "inverse root")}; dims merged and blocked at b = {b}, vectors too)");
        string formula = moments + factors + "; a dim ≥ 10⁶: Adam's 2P";
        var t = new TermList();
        foreach (var p in parameters)
        {
            bool huge = p.Shape.Any(d => d >= ShampooRecipes.HugeDimension);
            if (beta1 > 0) t.Add("M (filtered gradient / Adam m)", p.Elements, p.ElementSize);
            if (huge || grafted) t.Add("V (grafting / Adam second moment)", p.Elements, p.ElementSize);
            if (huge) continue;
            if (eigenvalueCorrected) t.Add("D (corrected eigenvalues)", p.Elements, p.ElementSize);
            if (never) continue;
            long squares = BlockedFactorSquares(ShampooBlocking.MergeDims(p.Shape, b), b);
            t.Add("Kronecker statistics", squares, p.ElementSize);
            t.Add(matrix, squares, p.ElementSize);
        }

        return t.Build(formula);
    }

    /// <summary>
    /// Σ over the blocks of a merged shape (each dim cut into chunks of <paramref name="b"/>) of Σ over the block's
    /// sides of d²: side k's chunk c appears in Π_{j≠k} (chunks of dim j) blocks.
    /// </summary>
    private static long BlockedFactorSquares(IReadOnlyList<long> merged, int b)
    {
        var chunks = merged.Select(d => ShampooBlocking.Split(d, b)).ToArray();
        long total = 0;
        for (int k = 0; k < chunks.Length; k++)
        {
            long others = 1;
            for (int j = 0; j < chunks.Length; j++)
            {
                if (j != k) others = checked(others * chunks[j].Count);
            }

            total = checked(total + (others * chunks[k].Where(c => c.Length > 0).Sum(c => c.Length * c.Length)));
        }

        return total;
    }

    /// <summary>
    /// SOAP: m (β1 &gt; 0) and the rotated v for every parameter; for a parameter of ≥ 2 dims (vectors are not rotated)
    /// a statistic and an eigenbasis of d×d per side d ≤ max_preconditioner_dim (larger sides stay unrotated; no merging,
    /// no blocking).
    /// </summary>
    private static StateSize SoapState(IReadOnlyList<ParameterShape> parameters, HyperparameterReader h)
    {
        double beta1 = h.Beta("beta1");
        int b = h.PositiveInt("max_preconditioner_dim");
        var t = new TermList();
        foreach (var p in parameters)
        {
            if (beta1 > 0) t.Add("m (first moment)", p.Elements, p.ElementSize);
            t.Add("v (rotated second moment)", p.Elements, p.ElementSize);
            if (p.Shape.Count < 2) continue;
            long squares = p.Shape.Where(d => d > 0 && d <= b).Sum(d => d * d);
            t.Add("Kronecker statistics", squares, p.ElementSize);
            t.Add("eigenbases", squares, p.ElementSize);
        }

        return t.Build(string.Create(CultureInfo.InvariantCulture,
            $"{(beta1 > 0 ? "2P (m, v)" : "P (v)")} + Σ_(≥2-D) Σ_(sides d ≤ {b}) 2d² (statistic + eigenbasis); vectors: none"));
    }

    /// <summary>L-BFGS: <paramref name="memory"/> pairs (s, y) over the flattened parameters once the memory is full.</summary>
    private static StateSize Lbfgs(IReadOnlyList<ParameterShape> parameters, int memory)
    {
        var t = new TermList();
        foreach (var p in parameters)
        {
            t.Add("s (steps)", checked(memory * p.Elements), p.ElementSize);
            t.Add("y (gradient differences)", checked(memory * p.Elements), p.ElementSize);
        }

        return t.Build(string.Create(CultureInfo.InvariantCulture, $"2·m·P with m = memory = {memory} (pairs s, y), once the memory is full"));
    }

    /// <summary>
    /// Cross-fitted Shampoo: the momentum M of every parameter; for a matrix (2-D, both sides &gt; 1, the larger ≤
    /// <paramref name="maxDim"/>) the statistics L, R and the inverse roots P_L, P_R; for the rest Adam's v.
    /// </summary>
    private static StateSize CrossFitShampooState(IReadOnlyList<ParameterShape> parameters, int maxDim)
    {
        var t = new TermList();
        foreach (var p in parameters) t.Add("M (momentum)", p.Elements, p.ElementSize);
        foreach (var p in parameters)
        {
            var s = p.Shape;
            if (s.Count == 2 && Math.Min(s[0], s[1]) > 1 && Math.Max(s[0], s[1]) <= maxDim)
            {
                long squares = checked((s[0] * s[0]) + (s[1] * s[1]));
                t.Add("statistics L, R", squares, p.ElementSize);
                t.Add("inverse roots P_L, P_R", squares, p.ElementSize);
            }
            else
            {
                t.Add("Adam v (other parameters)", p.Elements, p.ElementSize);
            }
        }

        return t.Build(string.Create(CultureInfo.InvariantCulture,
            $"P (M) + Σ_mat 2(d1² + d2²) (L, R, P_L, P_R; 2-D, sides > 1 and ≤ {maxDim}) + P_other (Adam v)"));
    }

    /// <summary>Named terms in first-added order, summed by name.</summary>
    private sealed class TermList
    {
        private readonly List<string> _order = [];
        private readonly Dictionary<string, (long Elements, long Bytes)> _sums = new(StringComparer.Ordinal);

        public void Add(string name, long elements, int elementSize)
        {
            if (!_sums.TryGetValue(name, out var s))
            {
                _order.Add(name);
                s = (0, 0);
            }

            _sums[name] = (checked(s.Elements + elements), checked(s.Bytes + (elements * elementSize)));
        }

        public StateSize Build(string formula) => new(formula, [.. _order.Select(n => new StateTerm(n, _sums[n].Elements, _sums[n].Bytes))]);
    }
}
