using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// ASGO's direction (An et al., arXiv 2503.20762; infinity-stars/ASGO <c>asgo.py</c>, <c>dasgo.py</c>) for a matrix
/// parameter viewed as G ∈ ℝ^{m×n} (shape[0] rows; conv kernels become (out, in·kh·kw)), per step:
/// <code>
/// M ← β1·M + (1 − β1)·G
/// ASGO:  P ← β2·P + (1 − β2)·G·Gᵀ (m &lt; n, U = (P + εI)^(−½)·M)  or  ·GᵀG (m ≥ n, U = M·(P + εI)^(−½))
/// DASGO: p ← β2·p + (1 − β2)·Σ_rows G²  (length n),  U = M ⊙ (p + ε)^(−½) on every row
/// direction U·ρ·√(mn)/‖U‖_F  (update RMS ρ = 0.2; a zero U stays zero)
/// </code>
/// The statistic is on the smaller side (the reference's rule: left only when m &lt; n), recomputed every step, with
/// no bias correction. The inverse root is an eigendecomposition (<see cref="MatrixFunction.InverseRoot"/>) where the
/// reference runs ten PolarExpress iterations with ε only in their normaliser: here ε damps P itself. Without
/// accumulation (β1 = β2 = 0) U = (GGᵀ + εI)^(−½)G → the polar factor of G, Muon's direction, as ε → 0. Weight decay
/// and the learning rate are the ordinary transforms after it (an <see cref="IScaledDirection"/>, so
/// <see cref="Chain"/> applies it fused). Every parameter it sees must have ≥ 2 dimensions.
/// </summary>
public sealed class ScaleByAsgo : GradientTransform<AsgoState>, IScaledDirection
{
    /// <summary>Creates the transform.</summary>
    public ScaleByAsgo(AsgoConfig config) => Config = config ?? throw new ArgumentNullException(nameof(config));

    /// <summary>The configuration.</summary>
    public AsgoConfig Config { get; }

    /// <inheritdoc/>
    public override string Name => Config.Diagonal ? "dasgo" : "asgo";

    /// <summary>The (rows, cols) matrix view of a parameter of <paramref name="shape"/>: (shape[0], product of the rest).</summary>
    public static (long Rows, long Cols) MatrixView(ReadOnlySpan<long> shape)
    {
        long cols = 1;
        for (int d = 1; d < shape.Length; d++) cols *= shape[d];
        return (shape[0], cols);
    }

    /// <inheritdoc/>
    protected override AsgoState InitState(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
        {
            if (p.Tensor.Dim < 2)
            {
                throw new ArgumentException($"{Name} preconditions matrices, but parameter '{p.Name}' has shape [{string.Join(", ", p.Tensor.Shape)}]; route it to another transform (Partition)", nameof(parameters));
            }
        }

        return new AsgoState(parameters, Config.Diagonal);
    }

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, AsgoState state) => IScaledDirection.WriteUpdates(context, Directions(context, state));

    /// <inheritdoc/>
    public (Tensor Direction, double Scale)[]? Directions(UpdateContext context, TransformState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = state as AsgoState ?? throw new ArgumentException($"{Name} was given a {state.GetType().Name}", nameof(state));
        int n = context.Updates.Length;
        var result = new (Tensor, double)[n];
        var moments = new Tensor[n];
        var directions = new Tensor?[n];                          // the directions whose ‖U‖_F² is still to be taken
        for (int i = 0; i < n; i++)
        {
            var u = context.Updates[i];
            var (rows, cols) = MatrixView(u.Shape);
            var g = u.Reshape(rows, cols);                        // (m, n)
            var p = s.Statistic[i];
            if (Config.Diagonal && s.Momentum[i].IsContiguous)
            {
                // M, p and D = M ⊙ (p + ε)^(−½) with its Σ D² in two native passes (no temporaries, no float64 copy).
                var (d, sumSquares) = FusedSteps.DasgoDirection(g, s.Momentum[i].Reshape(rows, cols), p, 1 - Config.Momentum, 1 - Config.Beta2, Config.Epsilon);
                result[i] = Scaled(d, sumSquares, u.Shape);
                continue;
            }

            s.Momentum[i].LerpInPlace(u, 1 - Config.Momentum);
            var m = s.Momentum[i].Reshape(rows, cols);            // (m, n)
            if (Config.Diagonal)
            {
                p.LerpInPlace(g.Square().Sum(0), 1 - Config.Beta2); // (n)
                directions[i] = m * (p + Config.Epsilon).Rsqrt();     // (m, n), p broadcast over rows
                continue;
            }

            // β2·P + (1 − β2)·G·Gᵀ (m, m) when m < n, else ·GᵀG (n, n): one symmetric rank-k update
            p.AddSymmetricRankKInPlace(rows < cols ? g : g.T(), Config.Beta2, 1 - Config.Beta2);
            moments[i] = m;
        }

        if (!Config.Diagonal)
        {
            // Every (P + εI)^(−½) at once (dealt to the threads when they balance), then U = X·M or M·X.
            var roots = MatrixFunction.InverseRoots(s.Statistic, 2, new InverseRootConfig(Config.Epsilon));
            for (int i = 0; i < n; i++)
            {
                var m = moments[i];
                directions[i] = m.Shape[0] < m.Shape[1] ? roots[i].Mm(m) : m.Mm(roots[i]);
            }
        }

        // ‖U‖_F² of them all in float64 (no float64 copy) in one native call, which sums each tensor on its own (fixed
        // chunks, in order): the bits of one call per direction. Peak memory is unchanged: every direction is returned,
        // so it lives until the step's dispose scope ends whenever its sum is taken.
        int[] pending = Enumerable.Range(0, n).Where(i => directions[i] is not null).ToArray();
        double[] sums = FusedSteps.SumSquares(pending.Select(i => directions[i]!).ToArray());
        for (int k = 0; k < pending.Length; k++)
        {
            int i = pending[k];
            result[i] = Scaled(directions[i]!, sums[k], context.Updates[i].Shape);
        }

        return result;
    }

    /// <summary>The direction in the parameter's shape and the scale ρ·√(mn)/‖U‖_F (0 for U = 0).</summary>
    private (Tensor, double) Scaled(Tensor direction, double sumSquares, long[] shape)
    {
        double norm = Math.Sqrt(sumSquares);
        double scale = norm > 0 ? Config.UpdateRms * Math.Sqrt((double)direction.NumElements) / norm : 0;
        return (direction.Reshape(shape), scale);
    }
}
