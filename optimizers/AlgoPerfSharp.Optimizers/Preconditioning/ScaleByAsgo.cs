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
        var result = new (Tensor, double)[context.Updates.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var u = context.Updates[i];
            var shape = u.Shape;
            var (rows, cols) = MatrixView(shape);
            var g = u.Reshape(rows, cols);                        // (m, n)
            var p = s.Statistic[i];
            Tensor direction;
            double sumSquares;
            if (Config.Diagonal && s.Momentum[i].IsContiguous)
            {
                // M, p and D = M ⊙ (p + ε)^(−½) with its Σ D² in two native passes (no temporaries, no float64 copy).
                (direction, sumSquares) = FusedSteps.DasgoDirection(g, s.Momentum[i].Reshape(rows, cols), p, 1 - Config.Momentum, 1 - Config.Beta2, Config.Epsilon);
            }
            else
            {
                s.Momentum[i].LerpInPlace(u, 1 - Config.Momentum);
                var m = s.Momentum[i].Reshape(rows, cols);            // (m, n)
                if (Config.Diagonal)
                {
                    p.LerpInPlace(g.Square().Sum(0), 1 - Config.Beta2); // (n)
                    direction = m * (p + Config.Epsilon).Rsqrt();         // (m, n), p broadcast over rows
                }
                else if (rows < cols)
                {
                    p.AddSymmetricRankKInPlace(g, Config.Beta2, 1 - Config.Beta2);   // (m, m): β2·P + (1 − β2)·G·Gᵀ
                    direction = MatrixFunction.InverseRoot(p, 2, new InverseRootConfig(Config.Epsilon)).Mm(m);
                }
                else
                {
                    p.AddSymmetricRankKInPlace(g.T(), Config.Beta2, 1 - Config.Beta2); // (n, n): β2·P + (1 − β2)·GᵀG
                    direction = m.Mm(MatrixFunction.InverseRoot(p, 2, new InverseRootConfig(Config.Epsilon)));
                }

                sumSquares = FusedSteps.SumSquares([direction])[0]; // ‖U‖_F² in float64, without a float64 copy of U
            }

            double norm = Math.Sqrt(sumSquares);
            double scale = norm > 0 ? Config.UpdateRms * Math.Sqrt((double)rows * cols) / norm : 0;
            result[i] = (direction.Reshape(shape), scale);
        }

        return result;
    }
}
